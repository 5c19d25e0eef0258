import type { Kysely } from 'kysely';
import type { Schema } from '../storage/index.js';
import type { TaskServices } from './enqueue-task.js';

/**
 * Records that `taskId` performed the effect `name`, at most once (the pair is unique). Returns
 * true when this call recorded it, false when it was already there — a handler retried after a
 * crash can use that to skip a side effect it already made.
 */
export async function recordEffect(
  services: Pick<TaskServices, 'database' | 'clock'>,
  taskId: string,
  name: string,
  /** The caller's transaction: the record then commits (or not) with the effect itself. */
  executor: Kysely<Schema> = services.database.db,
): Promise<boolean> {
  const result = await executor
    .insertInto('task_effect')
    .values({ task_id: taskId, name, created_at: services.clock.now() })
    .onConflict((conflict) => conflict.columns(['task_id', 'name']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}
