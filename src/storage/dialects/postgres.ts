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

export interface PostgresOptions {
  poolSize?: number;
  /**
   * Longest a statement may run (Postgres `statement_timeout`, lock waits included) and longest a
   * query waits for a pooled connection; 0 waits forever. Migrations are exempt.
   */
  statementTimeoutMs?: number;
  /** A pooled connection failed (the server restarted, the network broke); it is discarded. */
  onConnectionError?: (error: Error) => void;
  /** A new pooled connection was opened. */
  onConnect?: () => void;
}

export function openPostgres(connectionString: string, options: PostgresOptions = {}): PostgresConnection {
  const driver = loadDriver();
  const timeout = options.statementTimeoutMs ?? 0;
  const pool = new driver.Pool({
    connectionString,
    max: options.poolSize ?? 10,
    types: { getTypeParser: typeParserOf(driver) },
    keepAlive: true,
    ...(timeout > 0 ? { statement_timeout: timeout, connectionTimeoutMillis: timeout } : {}),
  });
  const connectionFailed = (error: Error) => options.onConnectionError?.(error);
  // A checked-out client has no 'error' listener of the pool's: a server restart during a query or
  // a transaction would emit an unhandled 'error' and end the process. Every client gets one for
  // life; the failed query rejects on its own, and the pool discards the client on release.
  pool.on('connect', (client) => {
    client.on('error', connectionFailed);
    options.onConnect?.();
  });
  // The pool removes an idle client that fails and emits it here too; its own listener reported it.
  pool.on('error', () => {});
  const kysely = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return { kysely, dialect: postgresDialect, pool };
}
