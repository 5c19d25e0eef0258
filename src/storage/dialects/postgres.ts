import { createRequire } from 'node:module';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type pg from 'pg';
import type { Schema } from '../schema.js';
import type { Dialect } from './dialect.js';

const eventSequenceLock = 0x636f6c31; // "col1"
const migrationLock = 0x636f6c30; // "col0"

const int8 = 20;
const numeric = 1700;

/** The Postgres driver, loaded on first use: the embedded default never needs it (see load-config.ts). */
function loadDriver(): typeof pg {
  return createRequire(import.meta.url)('pg') as typeof pg;
}

/** bigint and numeric columns come back as JavaScript numbers (epoch ms and costs fit easily). */
function typeParserOf(driver: typeof pg) {
  return (oid: number, format?: string): ((value: string) => unknown) => {
    if (oid === int8 || oid === numeric) return (value: string) => Number(value);
    return driver.types.getTypeParser(oid, format as 'text');
  };
}

export interface PostgresConnection {
  kysely: Kysely<Schema>;
  dialect: Dialect;
  pool: pg.Pool;
}

export function openPostgres(connectionString: string, poolSize = 10): PostgresConnection {
  const driver = loadDriver();
  const pool = new driver.Pool({
    connectionString,
    max: poolSize,
    types: { getTypeParser: typeParserOf(driver) },
  });
  pool.on('error', () => {
    // Idle client errors (server restarts) are reported by the next query; keep the process alive.
  });
  const kysely = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  const dialect: Dialect = {
    name: 'postgres',
    bigint: 'bigint',
    double: 'double precision',
    async lockEventSequence(transaction) {
      await sql`select pg_advisory_xact_lock(${eventSequenceLock})`.execute(transaction);
    },
    async withMigrationLock(database, fn) {
      return database.transaction().execute(async (transaction) => {
        await sql`select pg_advisory_xact_lock(${migrationLock})`.execute(transaction);
        return fn(transaction);
      });
    },
  };
  return { kysely, dialect, pool };
}
