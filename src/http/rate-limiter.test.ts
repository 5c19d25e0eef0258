import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createRateLimiter, createRedisRateLimiter, type RateLimiter } from './rate-limiter.js';
import { createHttpHarness, type HttpHarness } from './test-support/http-harness.js';

// The shared limiter runs against the machine's Redis when COLONY_TEST_REDIS_URL is set (.ci/run
// sets it); `npm test` alone needs nothing installed.
const redisUrl = process.env.COLONY_TEST_REDIS_URL;

describe('in-process rate limiter', () => {
  it('lets a full bucket through, then tells how long to wait, and refills with time', () => {
    let now = 0;
    const limiter = createRateLimiter(60, () => now);
    const waits = Array.from({ length: 61 }, () => limiter.take('key') as number);
    expect(waits.slice(0, 60).every((wait) => wait === 0)).toBe(true);
    expect(waits[60]).toBeCloseTo(1, 5);
    now += 1000;
    expect(limiter.take('key')).toBe(0);
    expect(limiter.take('other')).toBe(0);
  });
});

describe.runIf(redisUrl)('Redis rate limiter (shared by API processes)', () => {
  const limiters: RateLimiter[] = [];
  let harness: HttpHarness | undefined;
  afterEach(async () => {
    for (const limiter of limiters.splice(0)) await limiter.close();
    await harness?.close();
    harness = undefined;
  });
  const limiter = (
    perMinute: number,
    options: { url?: string; prefix: string; onUnavailable?: (error: Error) => void },
  ) => {
    const created = createRedisRateLimiter(perMinute, { url: redisUrl as string, ...options });
    limiters.push(created);
    return created;
  };

  it('draws every process from one bucket per key', async () => {
    const prefix = `colony:test:${randomBytes(6).toString('hex')}:`;
    // Two limiters with their own connections stand for two API processes.
    const [first, second] = [limiter(30, { prefix }), limiter(30, { prefix })];
    const waits = await Promise.all(
      Array.from({ length: 40 }, (_, index) => (index % 2 === 0 ? first : second).take('key_a')),
    );
    expect(waits.filter((wait) => wait === 0)).toHaveLength(30);
    const denied = waits.filter((wait) => wait > 0);
    expect(denied).toHaveLength(10);
    // 30 per minute refills one token every 2 s.
    for (const wait of denied) expect(wait).toBeGreaterThan(0.5);
    for (const wait of denied) expect(wait).toBeLessThanOrEqual(2);
    // Another key has its own bucket.
    expect(await second.take('key_b')).toBe(0);
  });

  it('refills with Redis time', async () => {
    const prefix = `colony:test:${randomBytes(6).toString('hex')}:`;
    const fast = limiter(600, { prefix }); // one token every 100 ms
    const waits = await Promise.all(Array.from({ length: 650 }, () => fast.take('key')));
    expect(waits.filter((wait) => wait > 0).length).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await fast.take('key')).toBe(0);
  });

  it('lets requests through and reports it when Redis cannot be reached', async () => {
    const reported: Error[] = [];
    const unreachable = createRedisRateLimiter(1, {
      url: 'redis://127.0.0.1:1',
      prefix: 'colony:test:',
      timeoutMs: 100,
      onUnavailable: (error) => reported.push(error),
    });
    limiters.push(unreachable);
    expect(await unreachable.take('key')).toBe(0);
    expect(await unreachable.take('key')).toBe(0);
    expect(reported).toHaveLength(1);
  });

  it('answers 429 with Retry-After through the API when the shared bucket is empty', async () => {
    harness = await createHttpHarness('sqlite', { config: { redisUrl, rateLimitPerMinute: 3 } });
    const statuses = [];
    for (let index = 0; index < 4; index++)
      statuses.push((await harness.request('GET', '/v1/agents')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await harness.request('GET', '/v1/agents');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
    // Another process drawing for the same key finds the bucket this server emptied.
    const owner = await harness.colony.database.db
      .selectFrom('api_key')
      .select('id')
      .where('org_id', '=', harness.orgId)
      .where('name', '=', 'owner')
      .executeTakeFirstOrThrow();
    expect(await limiter(3, { prefix: 'colony:rate:' }).take(owner.id)).toBeGreaterThan(0);
  });
});
