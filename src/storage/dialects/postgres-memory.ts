import { sql } from 'kysely';
import { memoryFilterSql } from './filter-memory.js';
import type { MemoryLexicalIndex } from './lexical-memory.js';

/**
 * Postgres: a stored generated `content_tsv` column (`to_tsvector('english', content)`) with a
 * GIN index, so the index is maintained by the row write itself; ranked with `ts_rank_cd`.
 */
export const postgresMemoryIndex: MemoryLexicalIndex = {
  embeddingColumnType: 'bytea',
  async migrate(database) {
    await sql`alter table memory add column content_tsv tsvector generated always as (to_tsvector('english', content)) stored`.execute(
      database,
    );
    await sql`create index memory_content_tsv on memory using gin (content_tsv)`.execute(database);
  },
  async allocateDocIds(_transaction, count) {
    return Array.from({ length: count }, () => null);
  },
  async add() {},
  async remove() {},
  async search(database, search) {
    if (search.terms.length === 0 || search.scopes.length === 0) return [];
    const query = search.terms.join(' | ');
    const result = await sql<{ id: string; rank: number }>`
      select m.id as id, ts_rank_cd(m.content_tsv, q.query, 32) as rank
      from memory m, to_tsquery('english', ${query}) as q(query)
      where m.content_tsv @@ q.query and ${memoryFilterSql(search)}
      order by rank desc
      limit ${search.limit}`.execute(database);
    return result.rows.map((row) => ({ id: row.id, rank: Number(row.rank) }));
  },
};
