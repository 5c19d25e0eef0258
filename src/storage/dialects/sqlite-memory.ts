import { type Kysely, sql } from 'kysely';
import type { Schema } from '../schema.js';
import { memoryFilterSql } from './filter-memory.js';
import type { MemoryLexicalIndex } from './lexical-memory.js';
import { budgetTerms, createFrequencyCounter, frequencyCap } from './term-budget.js';

function quoteTerm(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}

/** Documents matching an FTS5 `expression`, counted up to the cap. */
const documentFrequency = createFrequencyCounter(async (database, expression) => {
  const result = await sql<{ count: number }>`
    select count(*) as count from (select rowid from memory_fts where memory_fts match ${expression} limit ${sql.lit(frequencyCap)})`.execute(
    database,
  );
  return Number(result.rows[0]?.count ?? 0);
});

/**
 * SQLite: a contentless FTS5 table (`content=''`, `contentless_delete=1`, porter stemming) whose
 * rowid is `memory.doc_id`. The `scope` column holds one opaque token per row so a MATCH is
 * restricted to the caller's scopes inside the index instead of after it.
 */
export const sqliteMemoryIndex: MemoryLexicalIndex = {
  async allocateDocIds(transaction, count) {
    const row = await sql<{ top: number | null }>`select max(doc_id) as top from memory`.execute(transaction);
    const start = Number(row.rows[0]?.top ?? 0) + 1;
    return Array.from({ length: count }, (_, index) => start + index);
  },
  async add(transaction, documents) {
    for (let offset = 0; offset < documents.length; offset += 300) {
      const chunk = documents.slice(offset, offset + 300);
      const values = chunk.map(
        (document) => sql`(${document.docId}, ${document.content}, ${document.scopeKey})`,
      );
      await sql`insert into memory_fts (rowid, content, scope) values ${sql.join(values)}`.execute(
        transaction,
      );
    }
  },
  async remove(transaction, docIds) {
    const ids = docIds.filter((id): id is number => id !== null);
    if (ids.length === 0) return;
    await sql`delete from memory_fts where rowid in (${sql.join(ids)})`.execute(transaction);
  },
  async search(database: Kysely<Schema>, search) {
    if (search.terms.length === 0 || search.scopes.length === 0) return [];
    // Query planning from cached document frequencies (term-budget.ts); the scope restriction is
    // done in the index only when the scopes are a small part of it (otherwise the join filters).
    const frequencies = await Promise.all(
      search.terms.map((term) => documentFrequency(database, `content:${quoteTerm(term)}`)),
    );
    const { terms, postings } = budgetTerms(search.terms, frequencies);
    if (terms.length === 0) return [];
    const scopeDocuments = (
      await Promise.all(search.scopes.map((scope) => documentFrequency(database, `scope:${scope.key}`)))
    ).reduce((sum, count) => sum + count, 0);
    const restrictScope = scopeDocuments < frequencyCap / 2 || scopeDocuments < postings * 4;
    const match = `content:(${terms.map(quoteTerm).join(' OR ')})${
      restrictScope ? ` AND scope:(${search.scopes.map((scope) => scope.key).join(' OR ')})` : ''
    }`;
    // Rank inside FTS5 first (scope-restricted by the MATCH), then join the few best rows and
    // filter; over-fetching 4× leaves room for rows the filters drop. CROSS JOIN pins the join
    // order so SQLite probes memory by doc_id instead of scanning the scope index. Limits are
    // literals: SQLite recompiles a statement whenever a bound LIMIT is bound again.
    const result = await sql<{ id: string; rank: number }>`
      with hits as (
        select rowid as doc_id, bm25(memory_fts, 1.0, 0.0) as score
        from memory_fts where memory_fts match ${match}
        order by score limit ${sql.lit(Math.trunc(search.limit) * 4)}
      )
      select m.id as id, -hits.score as rank
      from hits cross join memory m
      where m.doc_id = hits.doc_id and ${memoryFilterSql(search)}
      order by hits.score
      limit ${sql.lit(Math.trunc(search.limit))}`.execute(database);
    return result.rows.map((row) => ({ id: row.id, rank: Number(row.rank) }));
  },
};
