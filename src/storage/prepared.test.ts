import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareInsert, preparePerShape, prepareQuery } from './prepared.js';
import type { Schema } from './schema.js';
import { createTestDatabase, type TestDatabase, testDialects } from './test-support/databases.js';

/** A table of this test only. */
const probe = (db: Kysely<Schema>) =>
  db as unknown as Kysely<{ prepared_probe: { id: string; label: string | null; size: number } }>;

describe.each(testDialects)('prepared queries on %s', (dialect) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase(dialect);
    await sql`create table prepared_probe (id text primary key, label text, size integer)`.execute(
      test.database.db,
    );
  });
  afterAll(async () => {
    await test.cleanup();
  });

  const insert = prepareQuery((db, values: { id: string; label: string | null; size: number }) =>
    probe(db).insertInto('prepared_probe').values({ id: values.id, label: values.label, size: values.size }),
  );
  const bigger = prepareQuery((db, values: { size: number }) =>
    probe(db)
      .selectFrom('prepared_probe')
      .select(['id', 'label'])
      .where('size', '>', values.size)
      .where('label', '!=', 'skipped')
      .orderBy('id')
      .limit(2),
  );

  it("binds each run's values by name and keeps the constants of the query", async () => {
    const { db } = test.database;
    await insert(db, { id: 'a', label: 'small', size: 1 });
    await insert(db, { id: 'b', label: null, size: 5 });
    await insert(db, { id: 'c', label: 'skipped', size: 9 });
    await insert(db, { id: 'd', label: 'large', size: 9 });
    await insert(db, { id: 'e', label: 'larger', size: 12 });
    expect((await bigger(db, { size: 0 })).rows).toEqual([
      { id: 'a', label: 'small' },
      { id: 'd', label: 'large' },
    ]);
    expect((await bigger(db, { size: 9 })).rows).toEqual([{ id: 'e', label: 'larger' }]);
    const counted = await sql<{
      count: number;
    }>`select count(*) as count from prepared_probe where label is null`.execute(db);
    expect(Number(counted.rows[0]?.count)).toBe(1);
  });

  it('runs inside a transaction, which sees its own writes and can roll them back', async () => {
    const { db } = test.database;
    await expect(
      test.database.transaction(async (transaction) => {
        await insert(transaction, { id: 'f', label: 'in transaction', size: 100 });
        expect((await bigger(transaction, { size: 99 })).rows).toEqual([
          { id: 'f', label: 'in transaction' },
        ]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await bigger(db, { size: 99 })).rows).toEqual([]);
  });

  it('inserts one row of the named columns', async () => {
    const insertOrg = prepareInsert('org', ['id', 'name', 'created_at']);
    await insertOrg(test.database.db, { id: 'org_prepared_1', name: 'first', created_at: 1 });
    await insertOrg(test.database.db, { id: 'org_prepared_2', name: 'second', created_at: 2 });
    const rows = await test.database.db
      .selectFrom('org')
      .selectAll()
      .where('id', 'like', 'org_prepared_%')
      .orderBy('id')
      .execute();
    expect(rows.map((row) => ({ ...row, created_at: Number(row.created_at) }))).toEqual([
      { id: 'org_prepared_1', name: 'first', created_at: 1 },
      { id: 'org_prepared_2', name: 'second', created_at: 2 },
    ]);
  });

  it('prepares one query per shape', async () => {
    const atMost = preparePerShape((limit: number) =>
      prepareQuery((db, values: { size: number }) =>
        probe(db)
          .selectFrom('prepared_probe')
          .select('id')
          .where('size', '>=', values.size)
          .orderBy('id')
          .limit(limit),
      ),
    );
    expect(atMost(1)).toBe(atMost(1));
    expect(atMost(2)).not.toBe(atMost(1));
    expect((await atMost(1)(test.database.db, { size: 9 })).rows).toEqual([{ id: 'c' }]);
    expect((await atMost(2)(test.database.db, { size: 9 })).rows).toEqual([{ id: 'c' }, { id: 'd' }]);
  });

  it('refuses a missing value instead of binding NULL', async () => {
    await expect(
      insert(test.database.db, { id: 'g', size: 1 } as unknown as { id: string; label: null; size: number }),
    ).rejects.toThrow('prepared query: no value for "label"');
  });
});
