import { ColonyError, isColonyError } from '../errors/index.js';
import { backoffDelay } from '../kernel/index.js';

export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
}

/** Exponential backoff with jitter: a delay drawn from [½, 1] × min(max, base × 2^(attempt−1)). */
export function retryDelay(attempt: number, options: BackoffOptions = {}, random = Math.random): number {
  return backoffDelay(attempt, { baseMs: options.baseMs ?? 1000, maxMs: options.maxMs ?? 3_600_000 }, random);
}

/** Marks an error as permanent: the task fails at once instead of being retried. */
export function permanentError(error: Error | string): Error {
  const permanent = typeof error === 'string' ? new Error(error) : error;
  Object.defineProperty(permanent, 'retryable', { value: false, enumerable: false });
  return permanent;
}

/** A thrown `canceled` ColonyError, `details.retryable === false` or `retryable: false` is final. */
export function isRetryable(error: Error): boolean {
  if (isColonyError(error, 'canceled')) return false;
  if (error instanceof ColonyError && error.details?.retryable === false) return false;
  return (error as { retryable?: unknown }).retryable !== false;
}

/** The error as stored in `task_attempt.error`: JSON with name, message, code and a short stack. */
export function describeError(error: Error): string {
  return JSON.stringify({
    name: error.name,
    message: error.message,
    code: error instanceof ColonyError ? error.code : undefined,
    stack: error.stack?.split('\n').slice(0, 8).join('\n'),
  });
}
