import { ColonyError } from '../errors/index.js';

/**
 * Why the database could not do its part, when the cause is the database (or the way to it) and
 * not the request: `connection` — refused, lost, or the server shutting down or starting up;
 * `busy` — locked, out of connections or memory, or no pooled connection freed in time;
 * `full` — no space left; `io` — the storage failed to read or write; `timeout` — a statement
 * ran past the statement timeout.
 */
export type DatabaseOutage = 'connection' | 'busy' | 'full' | 'io' | 'timeout';

const messages: Record<DatabaseOutage, string> = {
  connection: 'the database is unreachable; retry shortly',
  busy: 'the database is busy; retry shortly',
  full: 'the database is out of space; writes fail until space is freed',
  io: 'the database cannot read or write its storage',
  timeout: 'the database did not answer in time; retry shortly',
};

const retryAfterSeconds: Record<DatabaseOutage, number> = {
  connection: 1,
  busy: 1,
  full: 30,
  io: 30,
  timeout: 1,
};

const socketCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** SQLSTATEs of Postgres (Appendix A) that say the server, not the statement, is at fault. */
const sqlStates: Record<string, DatabaseOutage> = {
  '57P01': 'connection', // admin_shutdown
  '57P02': 'connection', // crash_shutdown
  '57P03': 'connection', // cannot_connect_now (starting up, shutting down)
  '57P05': 'connection', // idle_session_timeout
  '53000': 'busy', // insufficient_resources
  '53100': 'full', // disk_full
  '53200': 'busy', // out_of_memory
  '53300': 'busy', // too_many_connections
  '55P03': 'busy', // lock_not_available (lock_timeout)
  '57014': 'timeout', // query_canceled (statement_timeout)
  '58000': 'io', // system_error
  '58030': 'io', // io_error
};

/** Errors of the pg driver and pool that carry no code. */
const driverMessages: Array<[RegExp, DatabaseOutage]> = [
  [/^Connection terminated/, 'connection'],
  [/^Client has encountered a connection error and is not queryable/, 'connection'],
  [/^Client was closed and is not queryable/, 'connection'],
  [/^Cannot use a pool after calling end on the pool/, 'connection'],
  [/^timeout exceeded when trying to connect/, 'busy'],
];

function outageOfOne(error: object): DatabaseOutage | undefined {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (socketCodes.has(code)) return 'connection';
    if (/^08[0-9A-Z]{3}$/.test(code)) return 'connection'; // class 08: connection exception
    const state = sqlStates[code];
    if (state) return state;
    if (code === 'SQLITE_FULL') return 'full';
    if (code.startsWith('SQLITE_BUSY')) return 'busy';
    if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN') return 'io';
    if (code === 'SQLITE_NOMEM') return 'busy';
  }
  const message = (error as { message?: unknown }).message;
  if (typeof message === 'string') {
    for (const [pattern, outage] of driverMessages) if (pattern.test(message)) return outage;
  }
  return undefined;
}

/**
 * What kind of database outage `thrown` reports — looking through `cause` and the `errors` of an
 * AggregateError (a refused connection to a host with several addresses) — or undefined when it
 * is any other error. The one place that knows the drivers' error codes.
 */
export function databaseOutageOf(thrown: unknown): DatabaseOutage | undefined {
  const seen = new Set<unknown>();
  const pending: unknown[] = [thrown];
  while (pending.length > 0) {
    const error = pending.shift();
    if (typeof error !== 'object' || error === null || seen.has(error)) continue;
    seen.add(error);
    const outage = outageOfOne(error);
    if (outage) return outage;
    pending.push((error as { cause?: unknown }).cause);
    const errors = (error as { errors?: unknown }).errors;
    if (Array.isArray(errors)) pending.push(...errors);
  }
  return undefined;
}

/**
 * The `unavailable` ColonyError for a database outage (503 with `Retry-After` over HTTP), or
 * undefined when `thrown` is not one. The driver's own message stays in `cause`, out of the
 * response: it can name hosts and ports.
 *
 * @example
 * catch (error) { throw databaseUnavailable(error) ?? error; }
 */
export function databaseUnavailable(thrown: unknown): ColonyError | undefined {
  const outage = databaseOutageOf(thrown);
  if (!outage) return undefined;
  return new ColonyError(
    'unavailable',
    messages[outage],
    { database: outage, retryAfterSeconds: retryAfterSeconds[outage] },
    { cause: thrown },
  );
}
