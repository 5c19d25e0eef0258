import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ColonyError } from '../errors/index.js';
import { testDialects } from '../storage/test-support/databases.js';
import { enqueueTask, enqueueTasks } from './enqueue-task.js';
import { getTask, listTasks } from './task-queries.js';
import { createTaskHarness, type TaskHarness } from './test-support/harness.js';

describe.each(testDialects)('enqueueing tasks on %s', (dialect) => {
  let harness: TaskHarness;
  beforeEach(async () => {
    harness = await createTaskHarness(dialect);
  });
  afterEach(async () => {
    await harness.cleanup();
  });

  it('stores a ready task with defaults', async () => {
    const { services, orgId } = harness;
    const task = await enqueueTask(services, { orgId, kind: 'noop', payload: { a: 1 } });
    expect(task).toMatchObject({
      status: 'ready',
      priority: 0,
      attempts: 0,
      maxAttempts: 5,
      payload: { a: 1 },
    });
    expect(await getTask(services, task.id)).toEqual(task);
  });

  it('returns the existing task for a repeated idempotency key, also within one batch', async () => {
    const { services, orgId } = harness;
    const first = await enqueueTask(services, { orgId, kind: 'noop', idempotencyKey: 'k1', payload: 1 });
    const again = await enqueueTask(services, { orgId, kind: 'noop', idempotencyKey: 'k1', payload: 2 });
    expect(again.id).toBe(first.id);
    expect(again.payload).toBe(1);
    const batch = await enqueueTasks(services, [
      { orgId, kind: 'noop', idempotencyKey: 'k2' },
      { orgId, kind: 'noop', idempotencyKey: 'k2' },
      { orgId, kind: 'noop', idempotencyKey: 'k1' },
    ]);
    expect(batch[0]?.id).toBe(batch[1]?.id);
    expect(batch[2]?.id).toBe(first.id);
    // Keys are per org.
    const other = await harness.services.database.db
      .insertInto('org')
      .values({ id: 'org_other', name: 'other', created_at: Date.now() })
      .execute()
      .then(() => enqueueTask(services, { orgId: 'org_other', kind: 'noop', idempotencyKey: 'k1' }));
    expect(other.id).not.toBe(first.id);
  });

  it('resolves concurrent enqueues of one idempotency key to one task', async () => {
    const { services, orgId } = harness;
    const tasks = await Promise.all(
      Array.from({ length: 8 }, () => enqueueTask(services, { orgId, kind: 'noop', idempotencyKey: 'same' })),
    );
    expect(new Set(tasks.map((task) => task.id)).size).toBe(1);
  });

  it('joins the caller transaction and rolls back with it', async () => {
    const { services, orgId } = harness;
    let id = '';
    await expect(
      services.database.transaction(async (transaction) => {
        id = (await enqueueTask(services, { orgId, kind: 'noop' }, transaction)).id;
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    await expect(getTask(services, id)).rejects.toMatchObject({ code: 'not_found' });
    const committed = await services.database.transaction((transaction) =>
      enqueueTask(services, { orgId, kind: 'noop' }, transaction),
    );
    expect((await getTask(services, committed.id)).status).toBe('ready');
  });

  it('rejects invalid input and unknown dependencies', async () => {
    const { services, orgId } = harness;
    await expect(enqueueTask(services, { orgId, kind: '' })).rejects.toBeInstanceOf(ColonyError);
    await expect(enqueueTask(services, { orgId, kind: 'x', maxAttempts: 0 })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(
      enqueueTask(services, { orgId, kind: 'x', dependsOn: ['tsk_missing'] }),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('lists an org’s tasks newest first with a cursor and filters', async () => {
    const { services, orgId } = harness;
    const tasks = await enqueueTasks(
      services,
      Array.from({ length: 5 }, (_, index) => ({ orgId, kind: index % 2 ? 'odd' : 'even' })),
    );
    const first = await listTasks(services, { orgId, limit: 3 });
    expect(first.tasks.map((task) => task.id)).toEqual(
      tasks
        .map((task) => task.id)
        .reverse()
        .slice(0, 3),
    );
    const second = await listTasks(services, { orgId, limit: 3, cursor: first.nextCursor });
    expect(second.tasks).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    expect((await listTasks(services, { orgId, kind: 'odd' })).tasks).toHaveLength(2);
    expect((await listTasks(services, { orgId, status: 'succeeded' })).tasks).toHaveLength(0);
    expect((await listTasks(services, { orgId: 'org_nobody' })).tasks).toHaveLength(0);
    await expect(getTask(services, tasks[0]?.id ?? '', { orgId: 'org_nobody' })).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
