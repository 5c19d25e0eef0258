import { coerceError } from '../errors/index.js';
import { backoffDelay } from '../kernel/index.js';
import { databaseOutageOf } from './database-errors.js';

/** The two levels an outage is logged at (a pino logger fits). */
export interface OutageLogger {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

/** What a loop that talks to the database does after a failure: how long to wait, and what to log. */
export interface OutageBackoff {
  /**
   * Records a failed round and returns how long to wait before the next one (exponential with
   * jitter, capped). A database outage is logged once, at its first failure; any other error is
   * logged every time (it is a bug, not weather).
   */
  failed(error: unknown): number;
  /** Records a successful round: ends an outage (logged once, with its length) and the backoff. */
  succeeded(): void;
  /** Whether the last round failed. */
  readonly failing: boolean;
}

export interface OutageBackoffOptions {
  /** First delay. Default 100 ms. */
  baseMs?: number;
  /** Longest delay. Default 5 s. */
  maxMs?: number;
}

/**
 * Backoff and logging for one background loop (`subject` names it in the log) that must ride out
 * a database outage: keep trying, ever more slowly up to the cap, and say so once, not once per
 * attempt.
 *
 * @example
 * const backoff = createOutageBackoff(logger, 'task claims');
 * try { await cycle(); backoff.succeeded(); } catch (error) { await sleep(backoff.failed(error)); }
 */
export function createOutageBackoff(
  logger: OutageLogger,
  subject: string,
  options: OutageBackoffOptions = {},
): OutageBackoff {
  const delays = { baseMs: options.baseMs ?? 100, maxMs: options.maxMs ?? 5000 };
  let failures = 0;
  let outageSince: number | undefined;
  return {
    failed(error) {
      failures++;
      const outage = databaseOutageOf(error);
      if (!outage) {
        logger.warn({ err: coerceError(error), subject }, `${subject} failed`);
      } else if (outageSince === undefined) {
        outageSince = Date.now();
        logger.warn(
          { subject, outage, error: coerceError(error).message },
          `${subject}: database unavailable (${outage}); retrying with backoff until it returns`,
        );
      }
      return backoffDelay(failures, delays);
    },
    succeeded() {
      if (outageSince !== undefined) {
        logger.info(
          { subject, outageMs: Date.now() - outageSince, attempts: failures },
          `${subject}: database available again`,
        );
      }
      failures = 0;
      outageSince = undefined;
    },
    get failing() {
      return failures > 0;
    },
  };
}
