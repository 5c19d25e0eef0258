import { transact } from '../events/index.js';
import type { TaskServices } from './enqueue-task.js';
import { settleDependents } from './settle-dependents.js';
import { taskSignals } from './task-signals.js';

/**
 * Any worker may call this: running tasks whose lease expired (their worker died or stalled) count
 * the attempt as `lease-expired` and become ready again at once — or dead-lettered when that was
 * the last attempt. The claim count fences the old worker out. Returns how many were reclaimed.
 */
export async function reclaimExpired(services: TaskServices, limit = 500): Promise<number> {
  const now = services.clock.now();
  const expired = await services.database.db
    .selectFrom('task')
    .select(['id', 'org_id', 'kind', 'claim_count', 'attempts', 'max_attempts', 'locked_by', 'started_at'])
    .where('status', '=', 'running')
    .where('locked_until', '<', now)
    .limit(limit)
    .execute();
  if (expired.length === 0) return 0;
  const ended: string[] = [];
  let reclaimed = 0;
  await transact(services, async (transaction, outbox) => {
    const failed: string[] = [];
    for (const task of expired) {
      const final = Number(task.attempts) >= Number(task.max_attempts);
      const error = `lease expired: worker ${task.locked_by ?? '?'} stopped heartbeating`;
      const updated = await transaction
        .updateTable('task')
        .set(
          final
            ? {
                status: 'failed',
                finished_at: now,
                last_error: error,
                locked_by: null,
                locked_until: null,
                updated_at: now,
              }
            : {
                status: 'ready',
                run_at: now,
                last_error: error,
                locked_by: null,
                locked_until: null,
                updated_at: now,
              },
        )
        .where('id', '=', task.id)
        .where('claim_count', '=', task.claim_count)
        .where('status', '=', 'running')
        .where('locked_until', '<', now)
        .returning(['has_dependents'])
        .executeTakeFirst();
      if (!updated) continue;
      reclaimed++;
      await transaction
        .insertInto('task_attempt')
        .values({
          task_id: task.id,
          attempt: Number(task.attempts),
          claim: Number(task.claim_count),
          org_id: task.org_id,
          worker_id: task.locked_by,
          outcome: 'lease-expired',
          error: JSON.stringify({ name: 'LeaseExpired', message: error }),
          started_at: task.started_at,
          finished_at: now,
        })
        .execute();
      if (final) {
        ended.push(task.id);
        await outbox.emit({
          type: 'task-failed',
          orgId: task.org_id,
          subjectId: task.id,
          payload: { kind: task.kind, error },
        });
        if (updated.has_dependents) failed.push(task.id);
      }
    }
    if (failed.length > 0) ended.push(...(await settleDependents(transaction, outbox, failed, now)));
  });
  const signals = taskSignals(services.database);
  signals.finished(ended);
  if (reclaimed > ended.length) signals.wake();
  return reclaimed;
}
