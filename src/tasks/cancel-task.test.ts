import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ColonyError } from '../errors/index.js';
import { openDatabase } from '../storage/index.js';
import { testDialects } from '../storage/test-support/databases.js';
import { cancelTask } from './cancel-task.js';
import { enqueueTask } from './enqueue-task.js';
import { getTask } from './task-queries.js';
import { createTaskHarness, eventually, type TaskHarness } from './test-support/harness.js';

describe.each(testDialects)('cancelTask on %s', (dialect) => {
  let harness: TaskHarness;
  beforeEach(async () => {
    harness = await createTaskHarness(dialect);
  });
  afterEach(async () => {
    await harness.cleanup();
  });

  const blockUntilAborted = (aborted: unknown[]) => ({
    block: ({ signal }: { signal: AbortSignal }) =>
      new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          aborted.push(signal.reason);
          reject(signal.reason);
        });
      }),
  });

  it('cancels descendants and aborts a running child handler at once', async () => {
    const { services, orgId } = harness;
    const aborted: unknown[] = [];
    harness.pool({ handlers: blockUntilAborted(aborted) });
    const parent = await enqueueTask(services, { orgId, kind: 'idle', runAt: Date.now() + 60_000 });
    const child = await enqueueTask(services, { orgId, kind: 'block', parentId: parent.id });
    const grandchild = await enqueueTask(services, { orgId, kind: 'idle', parentId: child.id });
    await eventually(async () => (await getTask(services, child.id)).status === 'running');
    const canceled = await cancelTask(services, parent.id, 'user stopped it');
    expect(canceled.status).toBe('canceled');
    expect(canceled.lastError).toBe('user stopped it');
    await eventually(() => aborted.length === 1, 1000);
    expect((aborted[0] as ColonyError).code).toBe('canceled');
    for (const task of [child, grandchild])
      expect((await getTask(services, task.id)).status).toBe('canceled');
    // A child enqueued after the cancel is canceled at once; canceling again changes nothing.
    const late = await enqueueTask(services, { orgId, kind: 'idle', parentId: parent.id });
    expect(late.status).toBe('canceled');
    expect((await cancelTask(services, parent.id, 'again')).lastError).toBe('user stopped it');
    await expect(cancelTask(services, parent.id, 'x', { orgId: 'org_other' })).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('reaches a handler in another process at its next heartbeat', async () => {
    const { services, orgId } = harness;
    const aborted: unknown[] = [];
    harness.pool({ leaseMs: 300, handlers: blockUntilAborted(aborted) });
    const task = await enqueueTask(services, { orgId, kind: 'block' });
    await eventually(async () => (await getTask(services, task.id)).status === 'running');
    const elsewhere = openDatabase({ url: harness.url });
    try {
      await cancelTask({ ...services, database: elsewhere }, task.id, 'from another process');
    } finally {
      await elsewhere.close();
    }
    await eventually(() => aborted.length === 1, 2000);
    expect((await getTask(services, task.id)).status).toBe('canceled');
  });
});
