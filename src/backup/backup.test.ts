import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpHarness, type HttpHarness } from '../http/test-support/http-harness.js';
import { type Database, migrate, openDatabase } from '../storage/index.js';
import { createPostgresDatabase, testDialects } from '../storage/test-support/databases.js';
import { type BackupManifest, createBackup, filesystemTarget, restoreBackup, verifyBackup } from './index.js';

async function countRows(database: Database, tables: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = await database.db
      .selectFrom(table as 'org')
      .select((builder) => builder.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.count);
  }
  return counts;
}

describe.each(testDialects)('backups on %s', (dialect) => {
  let harness: HttpHarness;
  let folder: string;
  const cleanups: Array<() => Promise<void>> = [];
  let manifest: BackupManifest;
  let firstAgentId: string;
  let databases = 0;

  /** A fresh, empty database of this dialect to restore into. */
  async function freshDatabaseUrl(): Promise<string> {
    if (dialect === 'postgres') {
      const created = await createPostgresDatabase();
      cleanups.push(created.drop);
      return created.url;
    }
    return join(folder, `restored-${++databases}.sqlite`);
  }

  beforeAll(async () => {
    harness = await createHttpHarness(dialect);
    folder = mkdtempSync(join(tmpdir(), 'colony-backup-'));
    const created = await harness.request('POST', '/v1/agents', { body: { name: 'kept-agent' } });
    firstAgentId = ((await created.json()) as { id: string }).id;
  }, 60_000);

  afterAll(async () => {
    await harness.close();
    for (const cleanup of cleanups) await cleanup();
    rmSync(folder, { recursive: true, force: true });
  });

  it('takes a consistent backup while requests keep writing', async () => {
    let writing = true;
    let written = 0;
    const load = (async () => {
      while (writing) {
        const response = await harness.request('POST', '/v1/memories', {
          body: { content: `Load fact number ${written} about deployments` },
        });
        expect(response.status).toBe(201);
        written++;
      }
    })();
    while (written < 20) await new Promise((resolve) => setTimeout(resolve, 5));
    const phases = new Set<string>();
    manifest = await createBackup(harness.colony.database, filesystemTarget(join(folder, 'backups')), {
      now: Date.now(),
      colonyVersion: 'test',
      progress: (progress) => phases.add(progress.phase),
    });
    const before = written;
    while (written < before + 20) await new Promise((resolve) => setTimeout(resolve, 5));
    writing = false;
    await load;

    expect(manifest.kind).toBe(dialect === 'sqlite' ? 'sqlite-file' : 'logical');
    expect(phases.has('checksum')).toBe(true);
    expect(manifest.tables.agent).toBe(1);
    // Taken mid-load: some of the memories, never more than were written, and its rows count up.
    expect(manifest.tables.memory).toBeGreaterThanOrEqual(20);
    expect(manifest.tables.memory).toBeLessThan(written);
    expect(manifest.files.every((file) => /^[0-9a-f]{64}$/.test(file.sha256))).toBe(true);
    const target = filesystemTarget(join(folder, 'backups'));
    expect(await target.list()).toEqual([manifest.id]);
    expect((await verifyBackup(harness.colony.database, target, manifest.id)).problems).toEqual([]);
  }, 120_000);

  it('restores into an empty database, row for row', async () => {
    const target = filesystemTarget(join(folder, 'backups'));
    const url = await freshDatabaseUrl();
    const phases: string[] = [];
    const restored = await restoreBackup(target, manifest.id, {
      database: { url },
      progress: (progress) => phases.push(progress.phase),
    });
    expect(restored.schemaVersion).toBe(manifest.schemaVersion);
    expect(phases.length).toBeGreaterThan(0);
    const database = openDatabase({ url });
    try {
      expect(await countRows(database, Object.keys(manifest.tables))).toEqual(manifest.tables);
      const agent = await database.db
        .selectFrom('agent')
        .selectAll()
        .where('id', '=', firstAgentId)
        .executeTakeFirst();
      expect(agent?.name).toBe('kept-agent');
      // The restored database is a working one: it migrates and takes new rows.
      await migrate(database);
      const memories = await database.db.selectFrom('memory').select('content').limit(1).execute();
      expect(memories[0]?.content).toMatch(/^Load fact number/);
    } finally {
      await database.close();
    }
  }, 120_000);

  it('refuses a backup with one corrupted byte, and one from a newer Colony, changing nothing', async () => {
    const target = filesystemTarget(join(folder, 'backups'));
    const backupFolder = await target.open(manifest.id);
    const file = manifest.files.reduce((largest, candidate) =>
      candidate.bytes > largest.bytes ? candidate : largest,
    );
    const path = join(backupFolder, file.name);
    const original = readFileSync(path);
    const corrupted = Buffer.from(original);
    const offset = Math.floor(corrupted.length / 2);
    corrupted[offset] = (corrupted[offset] ?? 0) ^ 0xff;
    writeFileSync(path, corrupted);

    const check = await verifyBackup(harness.colony.database, target, manifest.id);
    expect(check.problems).toEqual([`${file.name}: SHA-256 differs from the manifest (corrupted)`]);
    const url = await freshDatabaseUrl();
    await expect(restoreBackup(target, manifest.id, { database: { url } })).rejects.toThrow(
      /is damaged: .*corrupted.*; nothing was restored/,
    );
    writeFileSync(path, original);
    expect((await verifyBackup(harness.colony.database, target, manifest.id)).problems).toEqual([]);

    const manifestPath = join(backupFolder, 'manifest.json');
    const text = readFileSync(manifestPath, 'utf8');
    writeFileSync(manifestPath, text.replace(/"schemaVersion": \d+/, '"schemaVersion": 999'));
    await expect(restoreBackup(target, manifest.id, { database: { url } })).rejects.toThrow(
      /schema version 999, newer than this Colony knows/,
    );
    writeFileSync(manifestPath, text);
    // Neither refusal wrote anything: the database has no tables of Colony's.
    const untouched = openDatabase({ url });
    try {
      await expect(untouched.db.selectFrom('agent').select('id').execute()).rejects.toThrow();
    } finally {
      await untouched.close();
    }
  }, 120_000);
});
