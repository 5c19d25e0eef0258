import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely } from 'kysely';
import type { Schema } from '../schema.js';
import type { Dialect } from './dialect.js';
import { startCheckpointer } from './sqlite-checkpointer.js';
import { EmbeddedSqliteDialect } from './sqlite-driver.js';

export interface SqliteConnection {
  kysely: Kysely<Schema>;
  dialect: Dialect;
  /** The raw writer handle, for the few hot paths that use prepared statements directly. */
  raw: BetterSqlite3.Database;
  /** Runs `fn` holding the writer (no transaction of Kysely's is open on it meanwhile). */
  withWriter<T>(fn: () => T): Promise<T>;
}

export interface SqliteOptions {
  /** Checkpoint the write-ahead log on a thread of its own (default for a file database). */
  backgroundCheckpoints?: boolean | undefined;
  /** Print statements slower than this many milliseconds to stderr (the `traceSqlMs` setting). */
  traceSqlMs?: number | undefined;
}

/** Opens a SQLite database (a file, or `:memory:`) in WAL mode with foreign keys on. */
export function openSqlite(filename: string, options: SqliteOptions = {}): SqliteConnection {
  const background = filename !== ':memory:' && options.backgroundCheckpoints !== false;
  if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
  const raw = new BetterSqlite3(filename);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  raw.pragma('cache_size = -32000');
  raw.pragma('temp_store = MEMORY');
  // With background checkpoints the writer checkpoints only past this safety limit (400 MB of
  // log), when the thread cannot keep up; once the log restarts it is cut back to 64 MB.
  raw.pragma(`wal_autocheckpoint = ${background ? 100_000 : 8000}`);
  raw.pragma('journal_size_limit = 67108864');
  raw.pragma('mmap_size = 268435456');
  // Plain reads go to a second, read-only connection: under WAL it sees the last commit while
  // the writer holds a transaction (or a batch of them, see sqlite-group-commit.ts) open.
  const reader = filename === ':memory:' ? null : new BetterSqlite3(filename, { readonly: true });
  if (reader) {
    reader.pragma('busy_timeout = 5000');
    reader.pragma('cache_size = -32000');
    reader.pragma('temp_store = MEMORY');
    reader.pragma('mmap_size = 268435456');
  }
  const checkpointer = background
    ? startCheckpointer(filename, {
        onError: (message) => process.emitWarning(`WAL checkpoint failed: ${message}`),
      })
    : null;
  const embedded = new EmbeddedSqliteDialect(raw, reader, { beforeClose: () => checkpointer?.stop() });
  const slowQueryMs = options.traceSqlMs;
  const kysely = new Kysely<Schema>({
    dialect: embedded,
    ...(slowQueryMs !== undefined
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
      // The driver begins transactions with BEGIN IMMEDIATE: the write lock is taken up front,
      // so two processes cannot migrate at once.
      return database.transaction().execute(fn);
    },
  };
  return { kysely, dialect, raw, withWriter: (fn) => embedded.driver.withWriter(fn) };
}
