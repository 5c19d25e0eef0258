import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import type { Dialect, DialectName } from './dialects/dialect.js';
import { openPostgres } from './dialects/postgres.js';
import { openSqlite } from './dialects/sqlite.js';
import { createGroupCommit } from './dialects/sqlite-group-commit.js';
import type { Schema } from './schema.js';

/** A query builder: the database itself or an open transaction. */
export type Executor = Kysely<Schema>;

/**
 * The handle every capability receives. `db` runs queries; `transaction` runs a unit of work
 * atomically; `dialect` is the seam for the few statements that differ between databases.
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
  /** Dialect-specific handles for `storage/dialects` hot paths; do not use elsewhere. */
  readonly native: {
    sqlite?: import('better-sqlite3').Database;
    /** Runs `fn` holding the SQLite writer, for synchronous statements on `sqlite`. */
    sqliteWriter?: <T>(fn: () => T) => Promise<T>;
    postgres?: import('pg').Pool;
  };
}

export interface OpenDatabaseOptions {
  /** `postgres://…` for Postgres, otherwise a SQLite file path or `:memory:`. */
  url: string;
  poolSize?: number;
  /** SQLite: checkpoint the write-ahead log on a background thread (default true). */
  backgroundCheckpoints?: boolean | undefined;
  /** SQLite: print statements slower than this many milliseconds to stderr (`traceSqlMs`). */
  traceSqlMs?: number | undefined;
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** Opens the database named by `url`: Postgres for `postgres://` URLs, SQLite for anything else. */
export function openDatabase(options: OpenDatabaseOptions): Database {
  const isPostgres = /^postgres(ql)?:\/\//.test(options.url);
  if (isPostgres) {
    const connection = openPostgres(options.url, options.poolSize);
    return wrap(connection.kysely, connection.dialect, redact(options.url), { postgres: connection.pool });
  }
  const filename = options.url.replace(/^sqlite:(\/\/)?/, '');
  const connection = openSqlite(filename, {
    backgroundCheckpoints: options.backgroundCheckpoints,
    traceSqlMs: options.traceSqlMs,
  });
  return wrap(
    connection.kysely,
    connection.dialect,
    filename,
    { sqlite: connection.raw, sqliteWriter: connection.withWriter },
    createGroupCommit(connection.kysely),
  );
}

function wrap(
  kysely: Kysely<Schema>,
  dialect: Dialect,
  location: string,
  native: Database['native'],
  transaction: Database['transaction'] = (fn) => kysely.transaction().execute(fn),
): Database {
  let closed = false;
  return {
    db: kysely,
    dialect,
    name: dialect.name,
    location,
    native,
    transaction,
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
