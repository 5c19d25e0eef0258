import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../server/test-support/spawn-server.js';
import { createTestDatabase, type TestDatabase } from '../test-support/databases.js';
import { startCheckpointer } from './sqlite-checkpointer.js';

// SQLite-only: the write-ahead log is copied into the database file by a background thread.
describe('background WAL checkpoints (sqlite)', () => {
  let test: TestDatabase | undefined;
  afterEach(async () => test?.cleanup());

  async function writeTwoMegabytes(database: TestDatabase['database']): Promise<void> {
    await sql`create table blob_rows (id integer primary key, body text not null)`.execute(database.db);
    for (let batch = 0; batch < 10; batch++) {
      await database.transaction(async (transaction) => {
        for (let row = 0; row < 50; row++) {
          await sql`insert into blob_rows (body) values (${'x'.repeat(4000)})`.execute(transaction);
        }
      });
    }
  }

  it('copies committed pages into the database file without the writer checkpointing', async () => {
    test = await createTestDatabase('sqlite');
    const before = statSync(test.url).size;
    await writeTwoMegabytes(test.database);
    // The writer's own threshold (100,000 pages) is far away: only the thread can grow the file.
    const url = test.url;
    const grown = () => (statSync(url).size >= before + 1_900_000 ? true : undefined);
    expect(await until('the database file to take the log’s pages', grown, 10_000)).toBe(true);
    expect(
      (await sql<{ n: number }>`select count(*) as n from blob_rows`.execute(test.database.db)).rows[0]?.n,
    ).toBe(500);
  });

  it('reports a checkpoint that fails, and a thread that cannot start', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'colony-checkpointer-'));
    try {
      const notADatabase = join(directory, 'notes.txt');
      writeFileSync(notADatabase, 'x'.repeat(8192));
      const failures: string[] = [];
      const failing = startCheckpointer(notADatabase, {
        intervalMs: 10,
        onError: (message) => failures.push(message),
      });
      await until('a failed checkpoint', () => (failures.length >= 1 ? true : undefined), 10_000);
      await failing.stop();
      expect(failures[0]).toMatch(/not a database/);

      const missing: string[] = [];
      const unstarted = startCheckpointer(join(directory, 'missing.db'), {
        onError: (message) => missing.push(message),
      });
      await until('the thread’s failure', () => (missing.length > 0 ? true : undefined), 10_000);
      await unstarted.stop();
      expect(missing[0]).toBe('unable to open database file');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('reports a failing streak once, backs off, and reports the recovery', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'colony-checkpointer-'));
    const file = join(directory, 'held.db');
    // A connection in exclusive locking mode holds the file: every checkpoint is refused.
    const holder = new BetterSqlite3(file);
    holder.pragma('journal_mode = WAL');
    holder.pragma('locking_mode = EXCLUSIVE');
    holder.exec('create table held (id integer)');
    const failures: string[] = [];
    const recoveries: number[] = [];
    const checkpointer = startCheckpointer(file, {
      intervalMs: 5,
      maxBackoffMs: 40,
      onError: (message) => failures.push(message),
      onRecover: (failed) => recoveries.push(failed),
    });
    try {
      await until('a refused checkpoint', () => (failures.length > 0 ? true : undefined), 10_000);
      await new Promise((resolve) => setTimeout(resolve, 600)); // several more refused attempts
      holder.close();
      await until('a checkpoint to succeed again', () => (recoveries.length > 0 ? true : undefined), 10_000);
    } finally {
      if (holder.open) holder.close();
      await checkpointer.stop();
      rmSync(directory, { recursive: true, force: true });
    }
    expect(failures).toEqual(['database is locked']);
    expect(recoveries).toHaveLength(1);
    expect(recoveries[0]).toBeGreaterThan(1);
  });

  it('leaves the log alone when switched off', async () => {
    test = await createTestDatabase('sqlite', { backgroundCheckpoints: false });
    const before = statSync(test.url).size;
    await writeTwoMegabytes(test.database);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(statSync(test.url).size).toBe(before);
    expect(statSync(`${test.url}-wal`).size).toBeGreaterThan(2_000_000);
  });
});
