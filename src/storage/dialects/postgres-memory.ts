import { sql } from 'kysely';
import { memoryFilterSql } from './filter-memory.js';
import type { MemoryLexicalIndex } from './lexical-memory.js';
import { budgetTerms, createFrequencyCounter, frequencyCap } from './term-budget.js';

/** Rows whose tsvector matches one term (stemmed by the 'english' configuration), up to the cap. */
const documentFrequency = createFrequencyCounter(async (database, term) => {
  const result = await sql<{ count: string }>`
    select count(*) as count from (
      select 1 from memory where content_tsv @@ to_tsquery('english', ${term}) limit ${frequencyCap}
    ) matches`.execute(database);
  return Number(result.rows[0]?.count ?? 0);
});

/**
 * Postgres: a stored generated `content_tsv` column (`to_tsvector('english', content)`) with a
 * GIN index, so the index is maintained by the row write itself; ranked with `ts_rank_cd`.
 */
export const postgresMemoryIndex: MemoryLexicalIndex = {
  async allocateDocIds(_transaction, count) {
    return Array.from({ length: count }, () => null);
  },
  async add() {},
  async remove() {},
  async search(database, search) {
    if (search.terms.length === 0 || search.scopes.length === 0) return [];
    // ts_rank_cd scores every match: rank by the rarest terms only (term-budget.ts).
    const frequencies = await Promise.all(search.terms.map((term) => documentFrequency(database, term)));
    const { terms } = budgetTerms(search.terms, frequencies);
    if (terms.length === 0) return [];
    const query = terms.join(' | ');
    const result = await sql<{ id: string; rank: number }>`
      select m.id as id, ts_rank_cd(m.content_tsv, q.query, 32) as rank
      from memory m, to_tsquery('english', ${query}) as q(query)
      where m.content_tsv @@ q.query and ${memoryFilterSql(search)}
      order by rank desc
      limit ${search.limit}`.execute(database);
    return result.rows.map((row) => ({ id: row.id, rank: Number(row.rank) }));
  },
};
