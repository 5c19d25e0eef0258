import type { Kysely } from 'kysely';
import type { Schema } from '../schema.js';

/** A memory row as the lexical index sees it. */
export interface LexicalDocument {
  /** SQLite FTS5 rowid (from `allocateDocIds`); null on Postgres, whose tsvector lives on the row. */
  docId: number | null;
  content: string;
  /** Opaque per-scope token (`sk…`, alphanumeric) so the index can restrict a match to scopes. */
  scopeKey: string;
}

export interface LexicalSearch {
  orgId: string;
  scopes: ReadonlyArray<{ kind: string; id: string; key: string }>;
  /** Lower-case alphanumeric terms, stop words removed; the index ORs them. */
  terms: readonly string[];
  limit: number;
  types?: readonly string[] | undefined;
  tags?: readonly string[] | undefined;
  from?: number | undefined;
  to?: number | undefined;
  includeInvalid: boolean;
  now: number;
}

/**
 * The memory engine's dialect seam: SQLite FTS5 (bm25) or Postgres full text (tsvector + GIN,
 * ts_rank_cd). Both are written in the caller's transaction so the index never drifts from rows.
 * Its tables were created by migration 0003 (literal DDL there): a change to them is a new
 * migration, never an edit here.
 */
export interface MemoryLexicalIndex {
  allocateDocIds(transaction: Kysely<Schema>, count: number): Promise<Array<number | null>>;
  add(transaction: Kysely<Schema>, documents: readonly LexicalDocument[]): Promise<void>;
  remove(transaction: Kysely<Schema>, docIds: ReadonlyArray<number | null>): Promise<void>;
  /** Best first; `rank` is higher-is-better and only comparable within one query. */
  search(database: Kysely<Schema>, search: LexicalSearch): Promise<Array<{ id: string; rank: number }>>;
}
