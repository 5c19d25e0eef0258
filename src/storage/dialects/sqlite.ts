import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { Schema } from '../schema.js';
import type { Dialect } from './dialect.js';

export interface SqliteConnection {
  kysely: Kysely<Schema>;
  dialect: Dialect;
  /** The raw handle, for the few hot paths that use prepared statements directly. */
  raw: BetterSqlite3.Database;
}

const statementCacheSize = 1000;

/**
 * Kysely prepares every query it runs; preparing is a measurable share of a short query's cost.
 * This keeps prepared statements by SQL text (queries are parameterized, so the set is small).
 */
function withStatementCache(raw: BetterSqlite3.Database) {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => raw.close(),
    prepare(text: string) {
      let statement = statements.get(text);
      if (!statement) {
        if (statements.size >= statementCacheSize) statements.clear();
        statement = raw.prepare(text);
        statements.set(text, statement);
      }
      return statement;
    },
  };
}

/** Opens a SQLite database (a file, or `:memory:`) in WAL mode with foreign keys on. */
export function openSqlite(filename: string): SqliteConnection {
  if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
  const raw = new BetterSqlite3(filename);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  raw.pragma('cache_size = -32000');
  raw.pragma('temp_store = MEMORY');
  raw.pragma('wal_autocheckpoint = 8000');
  raw.pragma('mmap_size = 268435456');
  const slowQueryMs = Number(process.env.COLONY_TRACE_SQL_MS ?? Number.NaN);
  const kysely = new Kysely<Schema>({
    dialect: new SqliteDialect({ database: withStatementCache(raw) }),
    ...(Number.isFinite(slowQueryMs)
      ? {
          log(event) {
            if (event.queryDurationMillis >= slowQueryMs) {
              process.stderr.write(`[sql ${event.queryDurationMillis.toFixed(2)} ms] ${event.query.sql}\n`);
            }
          },
        }
      : {}),
  });
  const dialect: Dialect = {
    name: 'sqlite',
    bigint: 'integer',
    double: 'real',
    async lockEventSequence() {},
    async withMigrationLock(database, fn) {
      // BEGIN IMMEDIATE takes the write lock up front, so two processes cannot migrate at once.
      return database.connection().execute(async (connection) => {
        await sql`begin immediate`.execute(connection);
        try {
          const result = await fn(connection);
          await sql`commit`.execute(connection);
          return result;
        } catch (error) {
          await sql`rollback`.execute(connection);
          throw error;
        }
      });
    },
  };
  return { kysely, dialect, raw };
}
