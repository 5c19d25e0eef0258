import type { Kysely } from 'kysely';
import type { Database, OpenDatabaseOptions } from '../database.js';
import type { Schema } from '../schema.js';
import type { Dialect } from './dialect.js';
import { openPostgres } from './postgres.js';
import { openSqlite } from './sqlite.js';
import { createGroupCommit } from './sqlite-group-commit.js';

/** An open connection to one database, as `openDatabase` wraps it into a `Database`. */
export interface Connection {
  kysely: Kysely<Schema>;
  dialect: Dialect;
  /** Where the data lives, without credentials. */
  location: string;
  native: Database['native'];
  /** How a unit of work runs atomically, when not as one plain Kysely transaction. */
  transaction?: Database['transaction'];
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

/** Postgres for `postgres://` URLs, SQLite (with group commit, decision 0009) for anything else. */
export function openConnection(options: OpenDatabaseOptions): Connection {
  if (/^postgres(ql)?:\/\//.test(options.url)) {
    const connection = openPostgres(options.url, options);
    return {
      kysely: connection.kysely,
      dialect: connection.dialect,
      location: redact(options.url),
      native: { postgres: connection.pool },
    };
  }
  const filename = options.url.replace(/^sqlite:(\/\/)?/, '');
  const connection = openSqlite(filename, {
    backgroundCheckpoints: options.backgroundCheckpoints,
    traceSqlMs: options.traceSqlMs,
  });
  return {
    kysely: connection.kysely,
    dialect: connection.dialect,
    location: filename,
    native: { sqlite: connection.raw, sqliteWriter: connection.withWriter },
    transaction: createGroupCommit(connection.kysely),
  };
}
