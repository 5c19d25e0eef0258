import type { Kysely } from 'kysely';
import type { Schema } from '../schema.js';

export type DialectName = 'sqlite' | 'postgres';

/**
 * The one seam where SQLite and Postgres differ. Everything outside `storage/dialects/`
 * talks to `Database` and stays dialect-agnostic.
 */
export interface Dialect {
  readonly name: DialectName;
  /** Column type for epoch-millisecond timestamps and counters. */
  readonly bigint: 'integer' | 'bigint';
  /** Column type for floating point values. */
  readonly double: 'real' | 'double precision';
  /**
   * Called inside a write transaction before events are appended, so the global sequence is
   * committed in order: readers that page by `seq > cursor` never skip an event that commits late.
   * SQLite has one writer at a time, so this is a no-op there; Postgres takes a transaction-level
   * advisory lock.
   */
  lockEventSequence(transaction: Kysely<Schema>): Promise<void>;
  /** Takes a global lock for the duration of `fn` (migrations), across processes. */
  withMigrationLock<T>(database: Kysely<Schema>, fn: (transaction: Kysely<Schema>) => Promise<T>): Promise<T>;
}
