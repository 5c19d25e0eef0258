import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpHarness, type HttpHarness } from '../http/test-support/http-harness.js';
import { testDialects } from '../storage/test-support/databases.js';

// Issue 11, item 2: a full or slow database. Writes get 503 `unavailable` with Retry-After and
// leave nothing behind; the server keeps answering and recovers by itself when the database does.
// (A Postgres restart is src/server/postgres-restart.test.ts; a full Postgres disk cannot be made
// here without a file system of its own, so "full" is shown on SQLite, "slow" on both.)

const tables = ['agent', 'agent_version', 'audit_log', 'event'] as const;

interface ErrorBody {
  error: { code: string; message: string; details?: { database?: string; retryAfterSeconds?: number } };
}

async function expectUnavailable(response: Response, outage: string): Promise<void> {
  const body = (await response.json()) as ErrorBody;
  expect({ status: response.status, code: body.error.code, outage: body.error.details?.database }).toEqual({
    status: 503,
    code: 'unavailable',
    outage,
  });
  expect(Number(response.headers.get('Retry-After'))).toBeGreaterThan(0);
}

describe.each(testDialects)('a full or slow database (%s)', (dialect) => {
  let harness: HttpHarness;
  afterEach(async () => harness?.close());

  it.runIf(dialect === 'sqlite')(
    'refuses writes to a full database with 503, keeps reading, and recovers',
    async () => {
      harness = await createHttpHarness(dialect);
      const writer = harness.colony.database.native.sqlite;
      if (!writer) throw new Error('no writer');
      const pages = Number(writer.pragma('page_count', { simple: true }));
      writer.pragma(`max_page_count = ${pages}`); // the file may not grow: the disk is full
      const instructions = 'Remember everything. '.repeat(1500);
      let refused: Response | undefined;
      for (let index = 0; index < 20 && !refused; index++) {
        const before = await harness.rowCounts(tables);
        const response = await harness.request('POST', '/v1/agents', {
          body: { name: `a${index}`, instructions },
        });
        if (response.status === 201) continue;
        refused = response;
        expect(await harness.rowCounts(tables)).toEqual(before); // nothing half-written
      }
      if (!refused) throw new Error('the database never filled up');
      await expectUnavailable(refused, 'full');
      expect((await harness.request('GET', '/v1/agents')).status).toBe(200);
      expect((await harness.request('GET', '/healthz')).status).toBe(200);

      writer.pragma(`max_page_count = ${pages + 10_000}`); // space returns
      const created = await harness.request('POST', '/v1/agents', { body: { name: 'after', instructions } });
      expect(created.status).toBe(201);
    },
  );

  it.runIf(dialect === 'sqlite')(
    'answers 503 when another process holds the write lock past the busy timeout',
    async () => {
      harness = await createHttpHarness(dialect);
      const writer = harness.colony.database.native.sqlite;
      if (!writer) throw new Error('no writer');
      writer.pragma('busy_timeout = 100'); // 5 s in production; the wait blocks the event loop
      const other = new BetterSqlite3(harness.colony.database.location);
      other.exec('begin immediate');
      try {
        const before = await harness.rowCounts(tables);
        await expectUnavailable(
          await harness.request('POST', '/v1/agents', { body: { name: 'blocked' } }),
          'busy',
        );
        expect(await harness.rowCounts(tables)).toEqual(before);
        expect((await harness.request('GET', '/v1/agents')).status).toBe(200);
      } finally {
        other.exec('rollback');
        other.close();
      }
      expect((await harness.request('POST', '/v1/agents', { body: { name: 'after' } })).status).toBe(201);
    },
  );

  it.runIf(dialect === 'postgres')(
    'times statements out instead of hanging on a lock, and recovers',
    async () => {
      harness = await createHttpHarness(dialect, { config: { databaseStatementTimeoutMs: 300 } });
      const agents = await harness.request('POST', '/v1/agents', { body: { name: 'before' } });
      expect(agents.status).toBe(201);
      // The location of a test database carries no password (trust auth).
      const holder = new pg.Client({ connectionString: harness.colony.database.location });
      await holder.connect();
      try {
        // Another session holds the agent table: every statement touching it waits for the lock.
        await holder.query('begin');
        await holder.query('lock table agent in access exclusive mode');
        const before = await harness.rowCounts(['agent_version', 'audit_log', 'event']);
        await expectUnavailable(await harness.request('GET', '/v1/agents'), 'timeout');
        await expectUnavailable(
          await harness.request('POST', '/v1/agents', { body: { name: 'late' } }),
          'timeout',
        );
        // More requests than pooled connections: those that find none free give up as well.
        const crowd = await Promise.all(
          Array.from({ length: 14 }, () => harness.request('GET', '/v1/agents')),
        );
        expect(crowd.map((response) => response.status)).toEqual(crowd.map(() => 503));
        expect((await harness.request('GET', '/healthz')).status).toBe(200);
        expect(await harness.rowCounts(['agent_version', 'audit_log', 'event'])).toEqual(before);
      } finally {
        await holder.query('rollback');
        await holder.end();
      }
      expect((await harness.request('GET', '/v1/agents')).status).toBe(200);
      expect((await harness.request('POST', '/v1/agents', { body: { name: 'after' } })).status).toBe(201);
      expect((await harness.request('GET', '/readyz')).status).toBe(200);
    },
  );
});
