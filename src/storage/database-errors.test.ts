import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ColonyError } from '../errors/index.js';
import { deferred } from '../kernel/test-support/deferred.js';
import { freePort, until } from '../server/test-support/spawn-server.js';
import { type Database, openDatabase } from './database.js';
import { databaseOutageOf, databaseUnavailable } from './database-errors.js';
import { createTestDatabase, type TestDatabase, testDialects } from './test-support/databases.js';

// The classifier is tested on the errors the drivers really raise, not on hand-made ones.

async function failureOf(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected the work to fail');
}

describe.each(testDialects)('database outages (%s)', (dialect) => {
  let test: TestDatabase;
  const opened: Database[] = [];

  beforeEach(async () => {
    test = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    for (const database of opened.splice(0)) await database.close();
    await test.cleanup();
  });

  it('leaves the errors of a bad statement alone', async () => {
    const error = await failureOf(() => sql`select * from no_such_table`.execute(test.database.db));
    expect(databaseOutageOf(error)).toBeUndefined();
    expect(databaseUnavailable(error)).toBeUndefined();
    expect(databaseUnavailable(new ColonyError('unavailable', 'worker shutting down'))).toBeUndefined();
  });

  it.runIf(dialect === 'postgres')(
    'classifies a refused connection, and keeps the address out of the message',
    async () => {
      const port = await freePort();
      const database = openDatabase({ url: `postgres://postgres@127.0.0.1:${port}/nothing` });
      opened.push(database);
      const error = await failureOf(() => database.ping());
      const unavailable = databaseUnavailable(error);
      expect(unavailable?.code).toBe('unavailable');
      expect(unavailable?.details).toEqual({ database: 'connection', retryAfterSeconds: 1 });
      expect(unavailable?.message).not.toContain(String(port));
      expect(unavailable?.cause).toBe(error);
    },
  );

  it.runIf(dialect === 'postgres')(
    'survives a connection killed inside a transaction, reports it, and goes on',
    async () => {
      const lost: Error[] = [];
      const database = openDatabase({ url: test.url, onConnectionError: (error) => lost.push(error) });
      opened.push(database);
      const admin = new pg.Client({ connectionString: test.url });
      await admin.connect();
      try {
        const error = await failureOf(() =>
          database.transaction(async (transaction) => {
            const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(transaction))
              .rows[0]?.pid;
            // The server ends this session (as a restart does): the checked-out client emits 'error',
            // which without a listener of its own would end the process.
            await admin.query('select pg_terminate_backend($1)', [pid]);
            await sql`select 1`.execute(transaction);
          }),
        );
        expect(databaseOutageOf(error)).toBe('connection');
        await until('the lost connection to be reported', () => (lost.length > 0 ? true : undefined), 5000);
        expect(databaseOutageOf(lost[0])).toBe('connection');
        await database.ping(); // a fresh connection replaces the dead one
      } finally {
        await admin.end();
      }
    },
  );

  it.runIf(dialect === 'postgres')(
    'classifies a statement timeout and a pool that has no connection to give',
    async () => {
      const database = openDatabase({ url: test.url, poolSize: 1, statementTimeoutMs: 200 });
      opened.push(database);
      const slow = await failureOf(() => sql`select pg_sleep(2)`.execute(database.db));
      expect(databaseUnavailable(slow)?.details).toEqual({ database: 'timeout', retryAfterSeconds: 1 });
      const holding = deferred();
      const held = database.transaction(async (transaction) => {
        await sql`select 1`.execute(transaction);
        await holding.promise; // idle in transaction: the only pooled connection stays checked out
      });
      const waiting = await failureOf(() => database.ping());
      holding.resolve();
      await held;
      expect(databaseUnavailable(waiting)?.details).toEqual({ database: 'busy', retryAfterSeconds: 1 });
    },
  );

  it.runIf(dialect === 'sqlite')(
    'classifies a full database and a write lock held past the busy timeout',
    async () => {
      const writer = test.database.native.sqlite;
      if (!writer) throw new Error('no writer');
      await sql`create table scratch (body text)`.execute(test.database.db);
      writer.pragma(`max_page_count = ${Number(writer.pragma('page_count', { simple: true }))}`);
      const full = await failureOf(() =>
        sql`insert into scratch (body) values (${'x'.repeat(64_000)})`.execute(test.database.db),
      );
      expect(databaseUnavailable(full)?.details).toEqual({ database: 'full', retryAfterSeconds: 30 });

      writer.pragma('busy_timeout = 0');
      const other = new BetterSqlite3(test.url);
      other.exec('begin immediate');
      try {
        const busy = await failureOf(() => test.database.transaction(async () => {}));
        expect(databaseUnavailable(busy)?.details).toEqual({ database: 'busy', retryAfterSeconds: 1 });
      } finally {
        other.exec('rollback');
        other.close();
      }
    },
  );
});
