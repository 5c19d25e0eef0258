import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test-support/databases.js';

// SQLite-only: how the embedded dialect writes LIMIT and OFFSET (see EmbeddedSqliteQueryCompiler).
describe('embedded SQLite query compiler', () => {
  let test: TestDatabase;

  beforeEach(async () => {
    test = await createTestDatabase('sqlite');
    await sql`create table scratch (n integer primary key)`.execute(test.database.db);
    await sql`insert into scratch (n) values ${sql.join(Array.from({ length: 10 }, (_, n) => sql`(${n})`))}`.execute(
      test.database.db,
    );
  });
  afterEach(async () => test.cleanup());

  const page = (limit: number, offset: number) =>
    test.database.db
      .selectFrom('scratch' as never)
      .select(sql<number>`n`.as('n'))
      .orderBy(sql`n`)
      .limit(limit)
      .offset(offset);

  it('writes integer limits and offsets into the SQL text, so a cached statement is not compiled again per execution', () => {
    const compiled = page(3, 4).compile();
    expect(compiled.sql).toMatch(/limit 3 offset 4$/);
    expect(compiled.parameters).toEqual([]);
  });

  it('returns the right rows for every limit and offset (one cached statement per value)', async () => {
    const pages = [];
    for (const [limit, offset] of [
      [3, 0],
      [3, 3],
      [4, 0],
      [3, 0],
      [2, 8],
    ] as const) {
      pages.push((await page(limit, offset).execute()).map((row) => (row as { n: number }).n));
    }
    expect(pages).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [0, 1, 2, 3],
      [0, 1, 2],
      [8, 9],
    ]);
  });

  it('leaves a limit expression that is not a plain integer bound', () => {
    const compiled = test.database.db
      .selectFrom('scratch' as never)
      .select(sql<number>`n`.as('n'))
      .limit(sql<number>`${2} + ${1}`)
      .compile();
    expect(compiled.sql).toMatch(/limit \? \+ \?$/);
    expect(compiled.parameters).toEqual([2, 1]);
  });

  it('returns the rows better-sqlite3 would: names, values, duplicate names, __proto__, a widened select *', async () => {
    const { database } = test;
    const query = sql<
      Record<string, unknown>
    >`select n, n * 2 as doubled, 'x' as n, null as "__proto__" from scratch where n < 2 order by n`;
    const rows = (await query.execute(database.db)).rows;
    const native = database.native.sqlite?.prepare(query.compile(database.db).sql).all();
    expect(rows).toEqual(native);
    expect(rows.map((row) => Object.getPrototypeOf(row))).toEqual(
      native?.map((row) => Object.getPrototypeOf(row)),
    );
    expect(Object.entries(rows[1] as object)).toEqual([
      ['n', 'x'],
      ['doubled', 2],
    ]);

    const all = sql<Record<string, unknown>>`select * from scratch where n = 3`;
    expect((await all.execute(database.db)).rows).toEqual([{ n: 3 }]);
    await sql`alter table scratch add column label text default 'new'`.execute(database.db);
    expect((await all.execute(database.db)).rows).toEqual([{ n: 3, label: 'new' }]);
  });
});
