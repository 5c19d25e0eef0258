import type { Services } from '../../context/index.js';
import { createTestServices } from '../../context/test-support/services.js';
import type { DialectName } from '../../storage/index.js';
import type { WorkerPool, WorkerPoolOptions } from '../types.js';
import { createWorkerPool } from '../worker-pool.js';

export interface TaskHarness {
  services: Services;
  orgId: string;
  /** The database URL, for opening more handles (other "processes") onto the same data. */
  url: string;
  /** Starts a pool with test-friendly defaults (fast polls, short backoff); stopped by cleanup. */
  pool(options: Partial<WorkerPoolOptions> & Pick<WorkerPoolOptions, 'handlers'>): WorkerPool;
  cleanup(): Promise<void>;
}

export async function createTaskHarness(dialect: DialectName): Promise<TaskHarness> {
  const base = await createTestServices(dialect);
  const actor = await base.createOrg();
  const pools: WorkerPool[] = [];
  return {
    services: base.services,
    orgId: actor.orgId,
    url: base.test.url,
    pool(options) {
      const pool = createWorkerPool(base.services, {
        concurrency: 4,
        pollIntervalMs: 50,
        leaseMs: 2000,
        backoff: { baseMs: 5, maxMs: 20 },
        ...options,
      });
      pools.push(pool);
      pool.start();
      return pool;
    },
    async cleanup() {
      await Promise.all(pools.map((pool) => pool.stop({ drainMs: 200 })));
      await base.cleanup();
    },
  };
}

/** Resolves when `predicate` holds, polling every 5 ms; rejects after `timeoutMs`. */
export async function eventually(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
