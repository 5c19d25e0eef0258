import { statSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deferred } from '../kernel/test-support/deferred.js';
import type { Database } from './database.js';
import { databaseUnavailable } from './database-errors.js';
import { createGroupCommit } from './dialects/sqlite-group-commit.js';
import { createTestDatabase, type TestDatabase, testDialects } from './test-support/databases.js';

async function names(database: Database): Promise<string[]> {
  const result = await sql<{ name: string }>`select name from scratch order by name`.execute(database.db);
  return result.rows.map((row) => row.name);
}

function insert(name: string) {
  return (transaction: Parameters<Parameters<Database['transaction']>[0]>[0]) =>
    sql`insert into scratch (name) values (${name})`.execute(transaction);
}

describe.each(testDialects)('database.transaction (%s)', (dialect) => {
  let test: TestDatabase;

  beforeEach(async () => {
    test = await createTestDatabase(dialect);
    await sql`create table scratch (name text primary key)`.execute(test.database.db);
  });
  afterEach(async () => test.cleanup());

  it('commits concurrent units independently: a failing unit rolls back alone', async () => {
    const { database } = test;
    await database.transaction(insert('taken'));
    const outcomes = await Promise.allSettled([
      database.transaction(insert('a')),
      database.transaction(async (transaction) => {
        await insert('b')(transaction);
        throw new Error('unit b fails after its write');
      }),
      database.transaction(insert('c')),
      database.transaction(insert('taken')), // duplicate key: fails alone
      ...Array.from({ length: 20 }, (_, index) => database.transaction(insert(`n${index}`))),
    ]);
    expect(outcomes.map((outcome) => outcome.status).slice(0, 4)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
    ]);
    expect(outcomes.slice(4).every((outcome) => outcome.status === 'fulfilled')).toBe(true);
    const stored = await names(database);
    expect(stored).toContain('a');
    expect(stored).toContain('c');
    expect(stored).not.toContain('b');
    expect(stored).toHaveLength(23);
  });

  it('never shows a unit that has not committed to plain reads, and shows it once it resolves', async () => {
    const { database } = test;
    const gate = deferred();
    const written = deferred();
    const unit = database.transaction(async (transaction) => {
      await insert('pending')(transaction);
      written.resolve();
      await gate.promise;
    });
    await written.promise;
    expect(await names(database)).toEqual([]);
    gate.resolve();
    await unit;
    expect(await names(database)).toEqual(['pending']);
  });
});

describe.runIf(testDialects.includes('sqlite'))('group commit (sqlite)', () => {
  let test: TestDatabase;

  beforeEach(async () => {
    // No background checkpoints: the WAL test below counts the log's growth.
    test = await createTestDatabase('sqlite', { backgroundCheckpoints: false });
    await sql`create table parent (id text primary key)`.execute(test.database.db);
    await sql`create table scratch (
      name text primary key,
      parent_id text references parent (id) deferrable initially deferred
    )`.execute(test.database.db);
  });
  afterEach(async () => test.cleanup());

  it('runs the units of a batch in arrival order, each seeing the ones before it', async () => {
    const { database } = test;
    const [, seen] = await Promise.all([
      database.transaction(insert('first')),
      database.transaction(async (transaction) => {
        const rows = await sql<{ name: string }>`select name from scratch`.execute(transaction);
        return rows.rows.map((row) => row.name);
      }),
    ]);
    expect(seen).toEqual(['first']);
  });

  it('sends plain reads to the read connection and everything else to the writer', async () => {
    const { database } = test;
    await sql`insert into parent (id) values ('p1')`.execute(database.db);
    expect((await sql<{ id: string }>`select id from parent`.execute(database.db)).rows).toEqual([
      { id: 'p1' },
    ]);
    // A statement neither connection can prepare reports SQLite's own error.
    await expect(sql`select * from missing_table`.execute(database.db)).rejects.toThrow(/no such table/);
    // Connection settings go to the writer, which runs the transactions.
    await sql`pragma defer_foreign_keys = on`.execute(database.db);
    expect(database.native.sqlite?.pragma('defer_foreign_keys', { simple: true })).toBe(1);
  });

  it('fails every unit of a batch whose commit fails, and keeps none of their writes', async () => {
    const { database } = test;
    // A deferred foreign key is checked at COMMIT: the second unit makes the shared commit fail.
    const outcomes = await Promise.allSettled([
      database.transaction(insert('valid')),
      database.transaction((transaction) =>
        sql`insert into scratch (name, parent_id) values ('orphan', 'missing')`.execute(transaction),
      ),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(String((outcomes[0] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(await names(database)).toEqual([]);
    // The writer is free again: the next unit commits on its own.
    await database.transaction(insert('after'));
    expect(await names(database)).toEqual(['after']);
  });

  it('fails the units before a unit whose savepoint is gone, and runs the units after it in a new batch', async () => {
    const { database } = test;
    // As SQLite does on some errors (a full disk, an I/O error), the second unit's failure ends
    // the whole transaction: the first unit's write is gone, so it must not be reported done.
    const outcomes = await Promise.allSettled([
      database.transaction(insert('before')),
      database.transaction(async (transaction) => {
        await sql`rollback`.execute(transaction);
        throw new Error('the unit failed after its transaction was rolled back');
      }),
      database.transaction(insert('after')),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    // The batch-mate fails with the error that ended the transaction, not "no such savepoint".
    expect(String((outcomes[0] as PromiseRejectedResult).reason)).toMatch(/the unit failed/);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/the unit failed/);
    expect(await names(database)).toEqual(['after']);
  });

  it('fails a full database’s batch as unavailable (full), keeps none of it, and writes again with space', async () => {
    const { database } = test;
    const writer = database.native.sqlite;
    if (!writer) throw new Error('no writer');
    const pages = Number(writer.pragma('page_count', { simple: true }));
    writer.pragma(`max_page_count = ${pages}`); // the file may not grow: a database that is full
    const big = 'x'.repeat(64_000);
    const outcomes = await Promise.allSettled([
      database.transaction(insert('small')),
      database.transaction(insert(big)),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    for (const outcome of outcomes) {
      const error = databaseUnavailable((outcome as PromiseRejectedResult).reason);
      expect(error?.details).toEqual({ database: 'full', retryAfterSeconds: 30 });
    }
    expect(await names(database)).toEqual([]);
    writer.pragma(`max_page_count = ${pages + 1000}`); // space returns
    await database.transaction(insert(big));
    expect(await names(database)).toEqual([big]);
  });

  it('fails the queued units when another process holds the write lock past the busy timeout, then recovers', async () => {
    const { database, url } = test;
    const other = new BetterSqlite3(url);
    other.exec('begin immediate');
    try {
      // The writer waits busy_timeout (5 s) for the lock, then every unit waiting for it fails.
      const outcomes = await Promise.allSettled([
        database.transaction(insert('blocked-1')),
        database.transaction(insert('blocked-2')),
      ]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
      expect(String((outcomes[0] as PromiseRejectedResult).reason)).toMatch(/locked|busy/i);
    } finally {
      other.exec('rollback');
      other.close();
    }
    await database.transaction(insert('after'));
    expect(await names(database)).toEqual(['after']);
  }, 20_000);

  it('writes far fewer WAL frames for units queued together than for the same units one by one', async () => {
    const { database, url } = test;
    // Every commit appends the pages it changed to the write-ahead log (no checkpoint runs
    // here: the threshold is 8,000 pages), so the log's growth counts the commits' pages.
    const frames = () => statSync(`${url}-wal`).size / (4096 + 24);
    const start = frames();
    for (let index = 0; index < 30; index++) await database.transaction(insert(`one-${index}`));
    const oneByOne = frames() - start;
    const middle = frames();
    await Promise.all(
      Array.from({ length: 30 }, (_, index) => database.transaction(insert(`together-${index}`))),
    );
    const together = frames() - middle;
    expect(await names(database)).toHaveLength(60);
    expect(oneByOne).toBeGreaterThanOrEqual(30);
    expect(together).toBeLessThan(oneByOne / 3);
  });
  // A unit reads through the read connection, which sees committed rows only: how many rows it
  // sees tells which batch it ran in.
  async function committedSeenByUnits(
    groupCommit: ReturnType<typeof createGroupCommit>,
    count: number,
    unitMs: (index: number) => number = () => 0,
  ): Promise<number[]> {
    const { database } = test;
    return Promise.all(
      Array.from({ length: count }, (_, index) =>
        groupCommit(async (transaction) => {
          const committed = (await names(database)).length;
          await insert(`unit-${index}`)(transaction);
          const ms = unitMs(index);
          if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
          return committed;
        }),
      ),
    );
  }

  it('commits after maxUnits units even when more are queued', async () => {
    const groupCommit = createGroupCommit(test.database.db, { maxUnits: 3, maxBatchMs: 60_000 });
    expect(await committedSeenByUnits(groupCommit, 7)).toEqual([0, 0, 0, 3, 3, 3, 6]);
    expect(await names(test.database)).toHaveLength(7);
  });

  it('stops a batch from taking new units once it has been open maxBatchMs', async () => {
    const groupCommit = createGroupCommit(test.database.db, { maxUnits: 64, maxBatchMs: 100 });
    // Unit 1 holds the batch open 150 ms: no unit joins it afterwards; the rest share the next.
    const seen = await committedSeenByUnits(groupCommit, 5, (index) => (index === 1 ? 150 : 0));
    expect(seen).toEqual([0, 0, 2, 2, 2]);
  });
});
