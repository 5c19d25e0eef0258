import { taskStore } from '../storage/index.js';
import type { TaskServices } from './enqueue-task.js';
import { taskSignals } from './task-signals.js';
import type { TaskExecutor } from './types.js';

/**
 * Moves a `waiting` task back to `ready` and wakes workers; pass `transaction` to commit it with
 * the change that resolves the wait (an approval, a child's result). If the task is still running
 * (the resume raced ahead of its `suspend`), the suspension turns straight into `ready`.
 * Returns false when the task is neither waiting nor running.
 */
export async function resumeTask(
  services: TaskServices,
  taskId: string,
  transaction?: TaskExecutor,
): Promise<boolean> {
  const executor = transaction ?? services.database.db;
  const now = services.clock.now();
  const resumed = await executor
    .updateTable('task')
    .set({ status: 'ready', run_at: now, wait_reason: null, wake_requested: 0, updated_at: now })
    .where('id', '=', taskId)
    .where('status', '=', 'waiting')
    .executeTakeFirst();
  if (Number(resumed.numUpdatedRows) > 0) {
    await taskStore(services.database).notify(executor);
    taskSignals(services.database).wake();
    return true;
  }
  const requested = await executor
    .updateTable('task')
    .set({ wake_requested: 1, updated_at: now })
    .where('id', '=', taskId)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(requested.numUpdatedRows) > 0;
}
