import type { Transaction } from 'kysely';
import type { Outbox } from '../events/index.js';
import type { Schema } from '../storage/index.js';

/**
 * After tasks failed or were canceled: every pending dependent is canceled or failed (by its
 * `on_dependency_failure` policy), and so on down the dependency graph. Returns the ids it ended.
 */
export async function settleDependents(
  transaction: Transaction<Schema>,
  outbox: Outbox,
  endedIds: readonly string[],
  now: number,
): Promise<string[]> {
  const ended: string[] = [];
  let frontier = [...endedIds];
  while (frontier.length > 0) {
    const dependents = await transaction
      .selectFrom('task_dependency as d')
      .innerJoin('task as t', 't.id', 'd.task_id')
      .select(['t.id', 't.org_id', 't.on_dependency_failure', 'd.depends_on_id'])
      .where('d.depends_on_id', 'in', frontier)
      .where('t.status', '=', 'pending')
      .execute();
    const next: string[] = [];
    const handled = new Set<string>();
    for (const dependent of dependents) {
      if (handled.has(dependent.id)) continue;
      handled.add(dependent.id);
      const status = dependent.on_dependency_failure === 'fail' ? 'failed' : 'canceled';
      const reason = `dependency ${dependent.depends_on_id} did not succeed`;
      const updated = await transaction
        .updateTable('task')
        .set({ status, last_error: reason, finished_at: now, updated_at: now, pending_dependencies: 0 })
        .where('id', '=', dependent.id)
        .where('status', '=', 'pending')
        .returning(['id', 'has_dependents'])
        .executeTakeFirst();
      if (!updated) continue;
      ended.push(updated.id);
      if (updated.has_dependents) next.push(updated.id);
      await outbox.emit({
        type: status === 'failed' ? 'task-failed' : 'task-canceled',
        orgId: dependent.org_id,
        subjectId: dependent.id,
        payload: { reason, dependencyId: dependent.depends_on_id },
      });
    }
    frontier = next;
  }
  return ended;
}
