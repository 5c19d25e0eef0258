import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Services } from '../context/index.js';
import { type Database, openDatabase } from '../storage/index.js';
import { testDialects } from '../storage/test-support/databases.js';
import { enqueueTask, enqueueTasks } from './enqueue-task.js';
import { resumeTask } from './resume-task.js';
import { getTask } from './task-queries.js';
import { createTaskHarness, eventually, type TaskHarness } from './test-support/harness.js';
import type { TaskHandler, WorkerPool } from './types.js';
import { waitForTask } from './wait-for-task.js';
import { createWorkerPool } from './worker-pool.js';

describe.each(testDialects)('concurrency keys on %s', (dialect) => {
  let harness: TaskHarness;
  beforeEach(async () => {
    harness = await createTaskHarness(dialect);
  });
  afterEach(async () => {
    await harness.cleanup();
  });

  it('runs one task per key at a time, in enqueue order', async () => {
    const { services, orgId } = harness;
    const log: string[] = [];
    harness.pool({
      concurrency: 8,
      handlers: {
        turn: async ({ payload }) => {
          log.push(`start ${payload}`);
          await new Promise((resolve) => setTimeout(resolve, 5));
          log.push(`end ${payload}`);
        },
      },
    });
    const tasks = await enqueueTasks(
      services,
      [1, 2, 3, 4, 5].map((turn) => ({ orgId, kind: 'turn', payload: turn, concurrencyKey: 'chat-1' })),
    );
    for (const task of tasks) await waitForTask(services, task.id, { timeoutMs: 5000 });
    expect(log).toEqual([1, 2, 3, 4, 5].flatMap((turn) => [`start ${turn}`, `end ${turn}`]));
  });

  it('holds the next task of a key while its head is waiting, not other keys', async () => {
    const { services, orgId } = harness;
    let approved = false;
    const ran: string[] = [];
    harness.pool({
      concurrency: 4,
      handlers: {
        run: async (context) => {
          const name = context.payload as string;
          if (name === 'head' && !approved) return context.suspend('waiting for approval');
          ran.push(name);
          return name;
        },
      },
    });
    const head = await enqueueTask(services, {
      orgId,
      kind: 'run',
      payload: 'head',
      concurrencyKey: 'chat-1',
    });
    const next = await enqueueTask(services, {
      orgId,
      kind: 'run',
      payload: 'next',
      concurrencyKey: 'chat-1',
    });
    const elsewhere = await enqueueTask(services, {
      orgId,
      kind: 'run',
      payload: 'elsewhere',
      concurrencyKey: 'chat-2',
    });
    await waitForTask(services, elsewhere.id, { timeoutMs: 5000 });
    await eventually(async () => (await getTask(services, head.id)).status === 'waiting');
    await new Promise((resolve) => setTimeout(resolve, 150)); // several polls
    expect((await getTask(services, next.id)).status).toBe('ready');
    approved = true;
    await resumeTask(services, head.id);
    await waitForTask(services, next.id, { timeoutMs: 5000 });
    expect(ran).toEqual(['elsewhere', 'head', 'next']);
  });

  it('never runs two tasks of one key at once across competing worker pools', async () => {
    const { services, orgId } = harness;
    const handles: Database[] = [];
    const pools: WorkerPool[] = [];
    const active = new Map<string, number>();
    const order = new Map<string, number[]>();
    let overlaps = 0;
    const handler: TaskHandler = async ({ task, payload }) => {
      const key = task.concurrencyKey ?? '';
      const now = (active.get(key) ?? 0) + 1;
      active.set(key, now);
      if (now > 1) overlaps++;
      order.set(key, [...(order.get(key) ?? []), payload as number]);
      await new Promise((resolve) => setImmediate(resolve));
      active.set(key, (active.get(key) ?? 1) - 1);
    };
    for (let index = 0; index < 4; index++) {
      const database = openDatabase({ url: harness.url });
      handles.push(database);
      const pool = createWorkerPool({ ...services, database } satisfies Services, {
        concurrency: 8,
        pollIntervalMs: 5,
        leaseMs: 5000,
        handlers: { keyed: handler },
      });
      pools.push(pool);
      pool.start();
    }
    try {
      const inputs = Array.from({ length: 200 }, (_, index) => ({
        orgId,
        kind: 'keyed',
        payload: Math.floor(index / 10),
        concurrencyKey: `key-${index % 10}`,
      }));
      const tasks = await enqueueTasks(services, inputs);
      for (const task of tasks) await waitForTask(services, task.id, { timeoutMs: 20_000 });
      expect(overlaps).toBe(0);
      for (const turns of order.values()) expect(turns).toEqual([...turns].sort((a, b) => a - b));
    } finally {
      await Promise.all(pools.map((pool) => pool.stop({ drainMs: 1000 })));
      await Promise.all(handles.map((database) => database.close()));
    }
  });
});
