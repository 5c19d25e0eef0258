import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.js';
import { createApp } from '../http/app.js';
import { createHttpHarness, type HttpHarness } from '../http/test-support/http-harness.js';
import { createLogger } from '../observability/index.js';
import { createColony } from '../server/index.js';
import { createPostgresDatabase, testDialects } from '../storage/test-support/databases.js';
import { migrateData } from './index.js';

// SQLite → Postgres by definition: it runs whenever the suite has a Postgres to copy into.
describe.runIf(testDialects.includes('postgres'))('colony migrate-data (SQLite → Postgres)', () => {
  let harness: HttpHarness;
  let destination: { url: string; drop(): Promise<void> };

  beforeAll(async () => {
    harness = await createHttpHarness('sqlite');
    destination = await createPostgresDatabase();
    await harness.request('POST', '/v1/agents', { body: { name: 'moving-agent' } });
    for (const content of ['Deploys happen on Tuesdays', 'The staging database is called aurora']) {
      expect((await harness.request('POST', '/v1/memories', { body: { content } })).status).toBe(201);
    }
  }, 60_000);

  afterAll(async () => {
    await harness.close();
    await destination.drop();
  });

  it('copies every row, and Colony runs on the copy (memory search included)', async () => {
    const phases = new Set<string>();
    const manifest = await migrateData({
      from: { url: harness.colony.database.location },
      to: { url: destination.url },
      now: Date.now(),
      colonyVersion: 'test',
      progress: (progress) => phases.add(progress.phase),
    });
    expect(phases).toEqual(new Set(['copy', 'table', 'checksum']));
    expect(manifest.tables.memory).toBe(2);

    const config = loadConfig({ env: {}, flags: { databaseUrl: destination.url, dataDir: '/tmp' } });
    const colony = await createColony({
      config,
      logger: createLogger({ level: 'silent', pretty: false }),
      workers: false,
    });
    try {
      const agents = await colony.database.db.selectFrom('agent').select('name').execute();
      expect(agents.map((agent) => agent.name)).toContain('moving-agent');
      // The same API key works, and lexical search finds a copied memory: the Postgres full-text
      // column was generated from the copied rows.
      const app = createApp(colony.services);
      const response = await app.request('/v1/memories/search?q=aurora', {
        headers: { Authorization: `Bearer ${harness.keys.owner}` },
      });
      expect(response.status).toBe(200);
      const { hits } = (await response.json()) as {
        hits: Array<{ memory: { content: string }; signals: Record<string, number> }>;
      };
      expect(hits[0]?.memory.content).toBe('The staging database is called aurora');
      expect(hits[0]?.signals.lexical).toBeGreaterThan(0);
      const counts = await colony.database.db
        .selectFrom('event')
        .select((builder) => builder.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      expect(Number(counts.count)).toBe(manifest.tables.event);
    } finally {
      await colony.close();
    }
  }, 120_000);

  it('refuses a destination that already holds data, unless forced', async () => {
    const options = {
      from: { url: harness.colony.database.location },
      to: { url: destination.url },
      now: Date.now(),
      colonyVersion: 'test',
    };
    await expect(migrateData(options)).rejects.toThrow(/already holds Colony data .* pass --force/);
    const manifest = await migrateData({ ...options, force: true });
    expect(manifest.tables.agent).toBe(1);
  }, 120_000);
});
