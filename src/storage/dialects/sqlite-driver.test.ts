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
});
