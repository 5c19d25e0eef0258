import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemActor } from '../context/index.js';
import { testDialects } from '../storage/test-support/databases.js';
import { enqueueTask } from './enqueue-task.js';
import { cancelOrgTask } from './task-api.js';
import { getTask } from './task-queries.js';
import { createTaskHarness, type TaskHarness } from './test-support/harness.js';

describe.each(testDialects)('cancelOrgTask on %s', (dialect) => {
  let harness: TaskHarness;
  beforeEach(async () => {
    harness = await createTaskHarness(dialect);
  });
  afterEach(async () => {
    await harness.cleanup();
  });

  const contextWith = (auditId?: string) => {
    const { services, orgId } = harness;
    const ids = {
      next: (prefix: string) => (prefix === 'aud' && auditId ? auditId : services.ids.next(prefix)),
    };
    return {
      services: { ...services, ids },
      actor: { ...systemActor(orgId, 'operator'), kind: 'api_key' as const, role: 'member' as const },
      signal: new AbortController().signal,
    };
  };

  it('commits the cancellation and its audit row together', async () => {
    const task = await enqueueTask(harness.services, { orgId: harness.orgId, kind: 'idle', runAt: 1e15 });
    const canceled = await cancelOrgTask(contextWith(), task.id);
    expect(canceled.status).toBe('canceled');
    const audit = await harness.services.database.db
      .selectFrom('audit_log')
      .select(['action', 'actor_id'])
      .where('resource_id', '=', task.id)
      .execute();
    expect(audit).toEqual([{ action: 'task.cancel', actor_id: 'operator' }]);
  });

  it('leaves the task unfinished when its audit row cannot be written', async () => {
    const { services, orgId } = harness;
    const first = await enqueueTask(services, { orgId, kind: 'idle', runAt: 1e15 });
    const second = await enqueueTask(services, { orgId, kind: 'idle', runAt: 1e15 });
    await cancelOrgTask(contextWith('aud_taken'), first.id);
    // The same audit id again: the audit insert fails, so the cancellation must roll back with it.
    await expect(cancelOrgTask(contextWith('aud_taken'), second.id)).rejects.toThrow();
    expect((await getTask(services, second.id)).status).toBe(second.status);
    const events = await services.database.db
      .selectFrom('event')
      .select('type')
      .where('subject_id', '=', second.id)
      .where('type', '=', 'task-canceled')
      .execute();
    expect(events).toEqual([]);
  });
});
