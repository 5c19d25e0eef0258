import type { Kysely } from 'kysely';
import type { Database } from '../database.js';
import type { Schema } from '../schema.js';
import type { TaskStore } from './dialect-tasks.js';
import type { MemoryLexicalIndex } from './lexical-memory.js';
import type { TableCopy } from './table-copy.js';

export type DialectName = 'sqlite' | 'postgres';

/**
 * Column types by what they hold. Shipped migrations read these, so they are frozen: changing one
 * changes what an old migration creates, which `migrations/frozen.test.ts` refuses.
 */
export interface ColumnTypes {
  /** Epoch-millisecond timestamps and counters. */
  readonly bigint: 'integer' | 'bigint';
  /** Floating point values. */
  readonly double: 'real' | 'double precision';
  /** Raw bytes (packed embedding vectors). */
  readonly blob: 'blob' | 'bytea';
  /**
   * A 64-bit primary key the database numbers in insertion order (the global event sequence):
   * SQLite `integer primary key autoincrement` (never reuses a number), Postgres `bigserial`.
   */
  readonly autoIncrementKey: { readonly type: 'integer' | 'bigserial'; readonly autoIncrement: boolean };
}

/**
 * The one seam where SQLite and Postgres differ, in the manner of Kysely's `Dialect`: each database
 * has one object carrying everything that is not portable SQL. Everything outside
 * `storage/dialects/` talks to `Database` and this object, and never asks which database it is
 * (`storage/dialect-seam.test.ts` holds that). Queries that Kysely compiles for both stay outside.
 *
 * @example
 * await database.dialect.memoryIndex.remove(transaction, [row.doc_id]);
 */
export interface Dialect {
  /** For display and test labels only; code does not branch on it. */
  readonly name: DialectName;
  readonly columnTypes: ColumnTypes;
  /** The memory engine's lexical index (SQLite FTS5 or Postgres full text). */
  readonly memoryIndex: MemoryLexicalIndex;
  /** The task engine's hot paths over `database`'s connections (use `taskStore(database)`). */
  createTaskStore(database: Database): TaskStore;
  /**
   * Called inside a write transaction before events are appended, so the global sequence is
   * committed in order: readers that page by `seq > cursor` never skip an event that commits late.
   * SQLite has one writer at a time, so this is a no-op there; Postgres takes a transaction-level
   * advisory lock.
   */
  lockEventSequence(transaction: Kysely<Schema>): Promise<void>;
  /** Backups and data migration: data tables, consistent row snapshots, physical copies. */
  readonly tableCopy: TableCopy;
  /** Takes a global lock for the duration of `fn` (migrations), across processes. */
  withMigrationLock<T>(database: Kysely<Schema>, fn: (transaction: Kysely<Schema>) => Promise<T>): Promise<T>;
}

/**
 * What a migration may know of its dialect: which one it is (to pick its own literal DDL) and the
 * column types. Nothing that runs: a shipped migration must not call code that can change later.
 */
export type MigrationDialect = Pick<Dialect, 'name' | 'columnTypes'>;
