import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';

/** Per-key request budgets. `take` resolves to 0 when allowed, or to the seconds to wait. */
export interface RateLimiter {
  take(key: string): number | Promise<number>;
  close(): Promise<void>;
}

/** A per-key token bucket held in process memory: the default, for one API process. */
export function createRateLimiter(perMinute: number, now: () => number = Date.now): RateLimiter {
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
    async close() {},
  };
}

// The same token bucket as above, kept in a Redis hash and updated atomically by one script;
// Redis's clock is used, so API processes on different machines agree on the refill.
const takeScript = `
local capacity = tonumber(ARGV[1])
local refill_per_ms = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * refill_per_ms)
local wait_ms = 0
if tokens >= 1 then tokens = tokens - 1 else wait_ms = (1 - tokens) / refill_per_ms end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / refill_per_ms) + 1000)
return tostring(wait_ms)
`;

type TakeCommand = (key: string, capacity: number, refillPerMs: number) => Promise<string>;

export interface RedisRateLimiterOptions {
  url: string;
  /** Prefix of the bucket keys (default `colony:rate:`). */
  prefix?: string;
  /** Redis unreachable or slow: the request is let through and this is told (at most every 10 s). */
  onUnavailable?: (error: Error) => void;
  /** Longest wait for Redis per request before letting it through (default 250 ms). */
  timeoutMs?: number;
}

/**
 * The scale-out limiter: every API process (`colony serve --no-workers` behind a load balancer)
 * draws from one bucket per key in Redis. When Redis cannot answer within `timeoutMs`, the
 * request is allowed: rate limiting must not take the API down with it (decision 0012).
 * ioredis is loaded only when this is used.
 */
export function createRedisRateLimiter(perMinute: number, options: RedisRateLimiterOptions): RateLimiter {
  const prefix = options.prefix ?? 'colony:rate:';
  const timeoutMs = options.timeoutMs ?? 250;
  const { Redis: RedisClient } = createRequire(import.meta.url)('ioredis') as typeof import('ioredis');
  const redis: Redis = new RedisClient(options.url, {
    // Commands wait for the connection (at start, after a reconnect) at most `timeoutMs`, and
    // are dropped when a reconnect attempt fails: none is replayed late against the bucket.
    enableOfflineQueue: true,
    maxRetriesPerRequest: 0,
    commandTimeout: timeoutMs,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  redis.on('error', () => {
    // Reported through onUnavailable when a request meets it; reconnects on its own.
  });
  redis.defineCommand('colonyTakeToken', { numberOfKeys: 1, lua: takeScript });
  const take = (redis as unknown as { colonyTakeToken: TakeCommand }).colonyTakeToken.bind(redis);
  let lastReport = 0;
  return {
    async take(key: string): Promise<number> {
      if (perMinute <= 0) return 0;
      try {
        const waitMs = Number(await take(`${prefix}${key}`, perMinute, perMinute / 60_000));
        return waitMs > 0 ? waitMs / 1000 : 0;
      } catch (error) {
        if (Date.now() - lastReport > 10_000) {
          lastReport = Date.now();
          options.onUnavailable?.(error instanceof Error ? error : new Error(String(error)));
        }
        return 0;
      }
    },
    async close() {
      redis.disconnect();
    },
  };
}
