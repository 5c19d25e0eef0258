/**
 * A per-key token bucket held in process memory (a shared Redis limiter is the scale-out path).
 * `take` returns 0 when allowed, or the seconds to wait.
 */
export function createRateLimiter(perMinute: number, now: () => number = Date.now) {
  const buckets = new Map<string, { tokens: number; updatedAt: number }>();
  const capacity = perMinute;
  const refillPerMs = perMinute / 60_000;
  return {
    take(key: string): number {
      if (perMinute <= 0) return 0;
      const time = now();
      const bucket = buckets.get(key) ?? { tokens: capacity, updatedAt: time };
      bucket.tokens = Math.min(capacity, bucket.tokens + (time - bucket.updatedAt) * refillPerMs);
      bucket.updatedAt = time;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      if (buckets.size > 100_000) buckets.clear();
      return (1 - bucket.tokens) / refillPerMs / 1000;
    },
  };
}
