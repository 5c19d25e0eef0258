/**
 * Exponential backoff with jitter: a delay drawn from [½, 1] × min(maxMs, baseMs × 2^(attempt−1)).
 * Task retries and the loops that wait out a database outage both use it.
 */
export function backoffDelay(
  attempt: number,
  options: { baseMs: number; maxMs: number },
  random = Math.random,
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * (0.5 + random() * 0.5));
}
