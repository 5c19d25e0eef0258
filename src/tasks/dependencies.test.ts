import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../storage/test-support/databases.js';
import { enqueueTask, enqueueTasks } from './enqueue-task.js';
import { permanentError } from './retry-policy.js';
import { getTask } from './task-queries.js';
import { createTaskHarness, type TaskHarness } from './test-support/harness.js';
import { waitForTask } from './wait-for-task.js';

describe.each(testDialects)('task dependencies on %s', (dialect) => {
  let harness: TaskHarness;
  beforeEach(async () => {
    harness = await createTaskHarness(dialect);
  });
  afterEach(async () => {
    await harness.cleanup();
  });

  it('runs a join only after every branch succeeded', async () => {
    const { services, orgId } = harness;
    const finished: string[] = [];
    harness.pool({
      concurrency: 16,
      handlers: {
        branch: async ({ payload }) => {
          finished.push(`branch-${payload}`);
          return payload;
        },
        join: async () => {
          finished.push('join');
          return finished.length;
        },
      },
    });
    const branches = await enqueueTasks(
      services,
      Array.from({ length: 20 }, (_, index) => ({ orgId, kind: 'branch', payload: index })),
    );
    const join = await enqueueTask(services, {
      orgId,
      kind: 'join',
      dependsOn: branches.map((task) => task.id),
    });
    const done = await waitForTask(services, join.id, { timeoutMs: 5000 });
    expect(done.status).toBe('succeeded');
    expect(done.result).toBe(21);
    expect(finished[20]).toBe('join');
  });

  it('is ready at once when its dependencies already succeeded', async () => {
    const { services, orgId } = harness;
    harness.pool({ handlers: { step: async () => 'ok' } });
    const first = await enqueueTask(services, { orgId, kind: 'step' });
    await waitForTask(services, first.id, { timeoutMs: 5000 });
    const second = await enqueueTask(services, { orgId, kind: 'step', dependsOn: [first.id] });
    expect(second.status).toBe('ready');
  });

  it('cancels or fails dependents of a failed task by policy, transitively', async () => {
    const { services, orgId } = harness;
    const root = await enqueueTask(services, { orgId, kind: 'doomed', maxAttempts: 1 });
    const [canceled, failed] = await enqueueTasks(services, [
      { orgId, kind: 'after', dependsOn: [root.id] },
      { orgId, kind: 'after', dependsOn: [root.id], onDependencyFailure: 'fail' },
    ]);
    const grandchild = await enqueueTask(services, { orgId, kind: 'after', dependsOn: [failed?.id ?? ''] });
    expect(canceled?.status).toBe('pending');
    harness.pool({
      handlers: {
        doomed: async () => {
          throw permanentError('nope');
        },
        after: async () => 'should not run',
      },
    });
    expect((await waitForTask(services, root.id, { timeoutMs: 5000 })).status).toBe('failed');
    expect((await getTask(services, canceled?.id ?? '')).status).toBe('canceled');
    expect((await getTask(services, failed?.id ?? '')).status).toBe('failed');
    expect((await getTask(services, grandchild.id)).status).toBe('canceled');
    // A dependency that already failed settles a new dependent at enqueue.
    const late = await enqueueTask(services, {
      orgId,
      kind: 'after',
      dependsOn: [root.id],
      onDependencyFailure: 'fail',
    });
    expect(late.status).toBe('failed');
  });
});
