import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import { type Connection, openConnection } from './dialects/connection.js';
import type { Dialect, DialectName } from './dialects/dialect.js';
import type { PostgresOptions } from './dialects/postgres.js';
import type { Schema } from './schema.js';

/** A query builder: the database itself or an open transaction. */
export type Executor = Kysely<Schema>;

/**
 * The handle every capability receives. `db` runs queries; `transaction` runs a unit of work
 * atomically; `dialect` carries everything that differs between databases (task store, memory
 * index, locks, column types).
 */
export interface Database {
  readonly db: Kysely<Schema>;
  readonly dialect: Dialect;
  readonly name: DialectName;
  /** Where the data lives, without credentials (for banners and logs). */
  readonly location: string;
  transaction<T>(fn: (transaction: Transaction<Schema>) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * Dialect-specific handles for the hot paths in `storage/dialects`; nothing else reads them
   * (`storage/dialect-seam.test.ts`).
   */
  readonly native: {
    sqlite?: import('better-sqlite3').Database;
    /** Runs `fn` holding the SQLite writer, for synchronous statements on `sqlite`. */
    sqliteWriter?: <T>(fn: () => T) => Promise<T>;
    postgres?: import('pg').Pool;
  };
}

export interface OpenDatabaseOptions extends PostgresOptions {
  /** `postgres://…` for Postgres, otherwise a SQLite file path or `:memory:`. The rest of
   * `PostgresOptions` (pool size, statement timeout, connection events) applies to Postgres only. */
  url: string;
  /** SQLite: checkpoint the write-ahead log on a background thread (default true). */
  backgroundCheckpoints?: boolean | undefined;
  /** SQLite: print statements slower than this many milliseconds to stderr (`traceSqlMs`). */
  traceSqlMs?: number | undefined;
}

/** Opens the database named by `url`: Postgres for `postgres://` URLs, SQLite for anything else. */
export function openDatabase(options: OpenDatabaseOptions): Database {
  return wrap(openConnection(options));
}

function wrap({ kysely, dialect, location, native, transaction }: Connection): Database {
  let closed = false;
  return {
    db: kysely,
    dialect,
    name: dialect.name,
    location,
    native,
    transaction: transaction ?? ((fn) => kysely.transaction().execute(fn)),
    async ping() {
      await sql`select 1`.execute(kysely);
    },
    async close() {
      if (closed) return;
      closed = true;
      await kysely.destroy();
    },
  };
}
