import type { Kysely } from 'kysely';
import type { Database } from '../database.js';
import type { Schema } from '../schema.js';

/** One table's rows in a batch, as plain values (Buffers for bytes). */
export type TableRow = Record<string, unknown>;

/** Progress of a long copy: how much is done out of how much (pages or rows). */
export type CopyProgress = (done: number, total: number) => void;

/**
 * What backups and data migration need from a database beyond portable SQL: the data tables in an
 * order a restore can insert them, batches of rows from one consistent snapshot, and — where the
 * database has one — a physical copy of the whole file made while it stays in use.
 */
export interface TableCopy {
  /**
   * Tables that hold data (not indexes of their own like SQLite's FTS tables, not the migration
   * bookkeeping), parents before children so inserts satisfy foreign keys.
   */
  dataTables(executor: Kysely<Schema>): Promise<string[]>;
  /** The columns a restore writes (generated columns left out: the database computes them). */
  writableColumns(executor: Kysely<Schema>, table: string): Promise<string[]>;
  /** Every row of `table`, in batches, in a stable order. Run it inside `readSnapshot`. */
  rows(
    executor: Kysely<Schema>,
    table: string,
    columns: string[],
    batchSize: number,
  ): AsyncIterable<TableRow[]>;
  /** Runs `fn` in one read transaction that sees a single consistent state of every table. */
  readSnapshot<T>(database: Database, fn: (executor: Kysely<Schema>) => Promise<T>): Promise<T>;
  /** Empties the tables (in one transaction with the inserts that follow). */
  truncate(transaction: Kysely<Schema>, tables: string[]): Promise<void>;
  /** After rows were inserted with their own keys: move auto-increment sequences past them. */
  afterInsert(transaction: Kysely<Schema>, tables: string[]): Promise<void>;
  /**
   * SQLite: a consistent image of the live database written to `file` by the online backup API,
   * with writers going on meanwhile. Absent where the database has no single file (Postgres).
   */
  copyFile?(database: Database, file: string, progress?: CopyProgress): Promise<void>;
  /** Reads a copy made by `copyFile` without changing a byte of it (`fn` gets a read-only handle). */
  readFile?<T>(file: string, fn: (executor: Kysely<Schema>) => Promise<T>): Promise<T>;
  /** Puts a copy made by `copyFile` in place of the database at `location` (closed meanwhile). */
  replaceFile?(location: string, file: string): Promise<void>;
}
