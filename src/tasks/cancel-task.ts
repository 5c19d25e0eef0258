import { ColonyError, notFound } from '../errors/index.js';
import { transact, type UnitOfWork } from '../events/index.js';
import { runCancelHooks } from './cancel-hooks.js';
import type { TaskServices } from './enqueue-task.js';
import { settleDependents } from './settle-dependents.js';
import { getTask } from './task-queries.js';
import { taskSignals } from './task-signals.js';
import { type TaskRecord, unfinishedStatuses } from './types.js';

/**
 * Cancels a task and every unfinished descendant (by `parent_id`), then settles their dependents.
 * A handler running in this process sees its signal abort at once; one in another process at its
 * next heartbeat (which finds the task `canceled`). Canceling a finished task changes nothing.
 * Pass `orgId` to refuse (as not found) a task of another org.
 *
 * @example
 * await cancelTask(services, runTaskId, 'canceled by the user');
 */
export async function cancelTask(
  services: TaskServices,
  taskId: string,
  reason: string,
  options: { orgId?: string } = {},
): Promise<TaskRecord> {
  await transact(services, (transaction, outbox) =>
    cancelTaskTree({ transaction, outbox }, services, taskId, reason, options),
  );
  return getTask(services, taskId);
}

/**
 * `cancelTask` inside the caller's unit of work, so the cancellation commits with the caller's
 * other rows (its audit row). Running handlers are aborted after that commit.
 */
export async function cancelTaskTree(
  unit: UnitOfWork,
  services: TaskServices,
  taskId: string,
  reason: string,
  options: { orgId?: string } = {},
): Promise<void> {
  const { transaction, outbox } = unit;
  const now = services.clock.now();
  const root = await transaction
    .selectFrom('task')
    .select(['id', 'org_id'])
    .where('id', '=', taskId)
    .executeTakeFirst();
  if (!root || (options.orgId !== undefined && root.org_id !== options.orgId)) throw notFound('task', taskId);
  const tree = [taskId];
  let frontier = [taskId];
  while (frontier.length > 0) {
    const children = await transaction
      .selectFrom('task')
      .select('id')
      .where('parent_id', 'in', frontier)
      .execute();
    frontier = children.map((child) => child.id);
    tree.push(...frontier);
  }
  const canceled: Array<{ id: string; org_id: string; has_dependents: number }> = [];
  for (let start = 0; start < tree.length; start += 500) {
    const rows = await transaction
      .updateTable('task')
      .set({
        status: 'canceled',
        last_error: reason,
        finished_at: now,
        updated_at: now,
        locked_by: null,
        locked_until: null,
        pending_dependencies: 0,
      })
      .where('id', 'in', tree.slice(start, start + 500))
      .where('status', 'in', [...unfinishedStatuses])
      .returning(['id', 'org_id', 'has_dependents'])
      .execute();
    canceled.push(...rows);
  }
  await runCancelHooks(
    transaction,
    outbox,
    canceled.map((row) => row.id),
    reason,
  );
  for (const row of canceled) {
    await outbox.emit({
      type: 'task-canceled',
      orgId: row.org_id,
      subjectId: row.id,
      payload: { reason, rootId: taskId },
    });
  }
  const withDependents = canceled.filter((row) => row.has_dependents).map((row) => row.id);
  const settled = await settleDependents(transaction, outbox, withDependents, now);
  const ended = [...canceled.map((row) => row.id), ...settled];
  outbox.afterCommit(() => {
    const signals = taskSignals(services.database);
    signals.abortRunning(ended, new ColonyError('canceled', reason));
    signals.finished(ended);
  });
}
