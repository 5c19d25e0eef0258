import { createRequire } from 'node:module';
import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import type { Schema } from '../schema.js';
import type { Dialect } from './dialect.js';
import { postgresDialect } from './postgres-dialect.js';

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
  return { kysely, dialect: postgresDialect, pool };
}
