import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ColonyError } from '../errors/index.js';
import { deferred } from '../kernel/test-support/deferred.js';
import { testDialects } from '../storage/test-support/databases.js';
import { enqueueTask, enqueueTasks } from './enqueue-task.js';
import { resumeTask } from './resume-task.js';
import { permanentError } from './retry-policy.js';
import { getTask } from './task-queries.js';
import { createTaskHarness, eventually, type TaskHarness } from './test-support/harness.js';
import { waitForTask } from './wait-for-task.js';

describe.each(testDialects)('worker pool on %s', (dialect) => {
  let harness: TaskHarness;
  beforeEach(async () => {
    harness = await createTaskHarness(dialect);
  });
  afterEach(async () => {
    await harness.cleanup();
  });

  it('claims a task, runs its handler and stores the result', async () => {
    const { services, orgId } = harness;
    harness.pool({ handlers: { echo: async ({ payload, attempt }) => ({ echoed: payload, attempt }) } });
    const task = await enqueueTask(services, { orgId, kind: 'echo', payload: { hello: 'world' } });
    const done = await waitForTask(services, task.id, { timeoutMs: 5000 });
    expect(done.status).toBe('succeeded');
    expect(done.result).toEqual({ echoed: { hello: 'world' }, attempt: 1 });
    expect(done.attempts).toBe(1);
    expect(done.lockedBy).toBeNull();
    expect(done.finishedAt).not.toBeNull();
  });

  it('retries a throwing handler with backoff and keeps every attempt error', async () => {
    const { services, orgId } = harness;
    let calls = 0;
    harness.pool({
      handlers: {
        flaky: async () => {
          calls++;
          if (calls < 3) throw new Error(`boom ${calls}`);
          return 'ok';
        },
      },
    });
    const task = await enqueueTask(services, { orgId, kind: 'flaky' });
    const done = await waitForTask(services, task.id, { timeoutMs: 5000 });
    expect(done.status).toBe('succeeded');
    expect(done.attempts).toBe(3);
    const attempts = await services.database.db
      .selectFrom('task_attempt')
      .selectAll()
      .where('task_id', '=', task.id)
      .orderBy('attempt')
      .execute();
    expect(attempts.map((row) => [row.attempt, row.outcome])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
    ]);
    expect(JSON.parse(attempts[1]?.error ?? '{}').message).toBe('boom 2');
  });

  it('defers an attempt a database outage broke without counting it, then runs the task again', async () => {
    const { services, orgId } = harness;
    let calls = 0;
    harness.pool({
      handlers: {
        unlucky: async () => {
          calls++;
          // What the pg driver throws when the server restarts under a query.
          if (calls === 1) throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
          return 'ok';
        },
      },
    });
    const task = await enqueueTask(services, { orgId, kind: 'unlucky', maxAttempts: 1 });
    const done = await waitForTask(services, task.id, { timeoutMs: 10_000 });
    expect(done.status).toBe('succeeded'); // with maxAttempts 1: the outage did not use it up
    expect(done.attempts).toBe(1);
    expect(calls).toBe(2);
    const attempts = await services.database.db
      .selectFrom('task_attempt')
      .select(['attempt', 'claim', 'outcome', 'error'])
      .where('task_id', '=', task.id)
      .execute();
    expect(attempts.map((row) => [row.attempt, row.claim, row.outcome])).toEqual([[1, 1, 'deferred']]);
    expect(JSON.parse(attempts[0]?.error ?? '{}').message).toBe('read ECONNRESET');
    const events = await services.database.db
      .selectFrom('event')
      .select('payload')
      .where('subject_id', '=', task.id)
      .where('type', '=', 'task-retry-scheduled')
      .execute();
    expect(events.map((row) => JSON.parse(row.payload).counted)).toEqual([false]);
  });

  it('dead-letters after maxAttempts with the reason', async () => {
    const { services, orgId } = harness;
    harness.pool({
      handlers: {
        broken: async ({ attempt }) => {
          throw new Error(`failure on attempt ${attempt}`);
        },
      },
    });
    const task = await enqueueTask(services, { orgId, kind: 'broken', maxAttempts: 3 });
    const done = await waitForTask(services, task.id, { timeoutMs: 5000 });
    expect(done.status).toBe('failed');
    expect(done.attempts).toBe(3);
    expect(done.lastError).toBe('failure on attempt 3');
    const attempts = await services.database.db
      .selectFrom('task_attempt')
      .select('attempt')
      .where('task_id', '=', task.id)
      .execute();
    expect(attempts).toHaveLength(3);
  });

  it('fails at once on a canceled ColonyError or a permanent error', async () => {
    const { services, orgId } = harness;
    harness.pool({
      handlers: {
        refuse: async () => {
          throw new ColonyError('canceled', 'user said no');
        },
        invalid: async () => {
          throw permanentError('bad payload');
        },
      },
    });
    const [refused, invalid] = await enqueueTasks(services, [
      { orgId, kind: 'refuse' },
      { orgId, kind: 'invalid' },
    ]);
    for (const task of [refused, invalid]) {
      const done = await waitForTask(services, task?.id ?? '', { timeoutMs: 5000 });
      expect(done.status).toBe('failed');
      expect(done.attempts).toBe(1);
    }
  });

  it('runs higher priorities first', async () => {
    const { services, orgId } = harness;
    const order: number[] = [];
    await enqueueTasks(
      services,
      [1, 5, 3, 9, 0].map((priority) => ({ orgId, kind: 'ordered', priority, payload: priority })),
    );
    const pool = harness.pool({
      concurrency: 1,
      batchSize: 1,
      handlers: {
        ordered: async ({ payload }) => {
          order.push(payload as number);
        },
      },
    });
    pool.wake();
    await eventually(() => order.length === 5);
    expect(order).toEqual([9, 5, 3, 1, 0]);
  });

  it('does not claim a delayed task before its run_at', async () => {
    const { services, orgId } = harness;
    harness.pool({ handlers: { later: async () => Date.now() } });
    const runAt = Date.now() + 300;
    const task = await enqueueTask(services, { orgId, kind: 'later', runAt });
    const done = await waitForTask(services, task.id, { timeoutMs: 5000 });
    expect(done.result as number).toBeGreaterThanOrEqual(runAt);
  });

  it('aborts the signal at the deadline and fails without retry', async () => {
    const { services, orgId } = harness;
    let aborted: unknown;
    harness.pool({
      handlers: {
        slow: ({ signal }) =>
          new Promise((_resolve, reject) => {
            signal.addEventListener('abort', () => {
              aborted = signal.reason;
              reject(signal.reason);
            });
          }),
      },
    });
    const task = await enqueueTask(services, { orgId, kind: 'slow', deadlineAt: Date.now() + 100 });
    const done = await waitForTask(services, task.id, { timeoutMs: 5000 });
    expect(done.status).toBe('failed');
    expect(done.attempts).toBe(1);
    expect(aborted).toBeInstanceOf(ColonyError);
    expect((aborted as ColonyError).code).toBe('timeout');
  });

  it('times an attempt out and retries it', async () => {
    const { services, orgId } = harness;
    harness.pool({
      handlers: {
        hang: ({ signal, attempt }) =>
          attempt === 1
            ? new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)))
            : Promise.resolve('second try'),
      },
    });
    const task = await enqueueTask(services, { orgId, kind: 'hang', timeoutMs: 50 });
    const done = await waitForTask(services, task.id, { timeoutMs: 5000 });
    expect(done.status).toBe('succeeded');
    expect(done.result).toBe('second try');
    expect(done.attempts).toBe(2);
  });

  it('memoizes steps across a retry', async () => {
    const { services, orgId } = harness;
    const calls: string[] = [];
    harness.pool({
      handlers: {
        steps: async (context) => {
          const a = await context.step('a', async () => {
            calls.push(`a${context.attempt}`);
            return { value: 1 };
          });
          const b = await context.step('b', async () => {
            calls.push(`b${context.attempt}`);
            if (context.attempt === 1) throw new Error('b failed');
            return 2;
          });
          return a.value + b;
        },
      },
    });
    const task = await enqueueTask(services, { orgId, kind: 'steps' });
    const done = await waitForTask(services, task.id, { timeoutMs: 5000 });
    expect(done.result).toBe(3);
    expect(calls).toEqual(['a1', 'b1', 'b2']);
  });

  it('suspends without holding a worker and resumes', async () => {
    const { services, orgId } = harness;
    let approvals = 0;
    const order: string[] = [];
    harness.pool({
      concurrency: 1,
      handlers: {
        approval: async (context) => {
          const asked = await context.step('ask', async () => {
            order.push('asked');
            return true;
          });
          if (asked && approvals === 0) return context.suspend('waiting for approval');
          order.push('approved');
          return 'done';
        },
        other: async () => {
          order.push('other');
        },
      },
    });
    const task = await enqueueTask(services, { orgId, kind: 'approval' });
    await eventually(async () => (await getTask(services, task.id)).status === 'waiting');
    const waiting = await getTask(services, task.id);
    expect(waiting.waitReason).toBe('waiting for approval');
    expect(waiting.attempts).toBe(0);
    // The only worker slot is free while the task waits.
    const other = await enqueueTask(services, { orgId, kind: 'other' });
    expect((await waitForTask(services, other.id, { timeoutMs: 5000 })).status).toBe('succeeded');
    approvals++;
    expect(await resumeTask(services, task.id)).toBe(true);
    const done = await waitForTask(services, task.id, { timeoutMs: 5000 });
    expect(done.status).toBe('succeeded');
    expect(order).toEqual(['asked', 'other', 'approved']);
    expect(await resumeTask(services, task.id)).toBe(false);
  });

  it('does not lose a resume that commits while the task is ready: the task starts after it', async () => {
    const { services, orgId } = harness;
    // The waiter suspends until a "marker" task exists; the resumer creates the marker and resumes
    // the waiter in one transaction, which stays open while a worker is free to claim the waiter.
    const waiter = await enqueueTask(services, { orgId, kind: 'waiter' });
    const gate = deferred();
    const inside = deferred();
    const resumed = services.database.transaction(async (transaction) => {
      await enqueueTask(services, { orgId, kind: 'marker', idempotencyKey: 'marker' }, transaction);
      await resumeTask(services, waiter.id, transaction);
      inside.resolve();
      await gate.promise;
    });
    await inside.promise;
    let runs = 0;
    harness.pool({
      concurrency: 1,
      handlers: {
        waiter: async (context) => {
          runs++;
          const marker = await services.database.db
            .selectFrom('task')
            .select('id')
            .where('idempotency_key', '=', 'marker')
            .executeTakeFirst();
          return marker ? 'saw the marker' : context.suspend('waiting for the marker');
        },
      },
    });
    // Give the worker time to claim the waiter if it could (it must not, before the commit).
    await new Promise((resolve) => setTimeout(resolve, 300));
    gate.resolve();
    await resumed;
    const done = await waitForTask(services, waiter.id, { timeoutMs: 5000 });
    expect(done.status).toBe('succeeded');
    expect(done.result).toBe('saw the marker');
    expect(runs).toBe(1);
  });

  it('reclaims an expired lease in another worker and counts the attempt', async () => {
    const { services, orgId } = harness;
    // The first pool claims and never finishes (its handler hangs, its heartbeats are too slow).
    const stuck = harness.pool({
      workerId: 'stuck',
      concurrency: 1,
      leaseMs: 100_000,
      handlers: { job: () => new Promise(() => {}) },
    });
    const task = await enqueueTask(services, { orgId, kind: 'job' });
    await eventually(async () => (await getTask(services, task.id)).status === 'running');
    // Simulate a dead worker: the lease runs out.
    await services.database.db
      .updateTable('task')
      .set({ locked_until: Date.now() - 1 })
      .where('id', '=', task.id)
      .execute();
    harness.pool({ workerId: 'rescuer', leaseMs: 200, handlers: { job: async () => 'rescued' } });
    const done = await waitForTask(services, task.id, { timeoutMs: 5000 });
    expect(done.status).toBe('succeeded');
    expect(done.result).toBe('rescued');
    expect(done.attempts).toBe(2);
    const attempts = await services.database.db
      .selectFrom('task_attempt')
      .selectAll()
      .where('task_id', '=', task.id)
      .execute();
    expect(attempts.map((row) => [row.outcome, row.worker_id])).toEqual([['lease-expired', 'stuck']]);
    await stuck.stop({ drainMs: 0 });
  });
});
