import { sql } from 'kysely';
import { taskStore } from '../storage/index.js';
import type { TaskServices } from './enqueue-task.js';
import { taskSignals } from './task-signals.js';
import type { TaskExecutor } from './types.js';

/**
 * Moves a `waiting` task back to `ready` and wakes workers; pass `transaction` to commit it with
 * the change that resolves the wait (an approval, a child's result). If the task is still running
 * (the resume raced ahead of its `suspend`), the suspension turns straight into `ready`. A task
 * that is already `ready` is locked until this commit (a Postgres claim skips locked rows), so it
 * cannot start, read the state this transaction is changing, and suspend again on the old state.
 * Returns false when the task is pending or finished.
 */
export async function resumeTask(
  services: TaskServices,
  taskId: string,
  transaction?: TaskExecutor,
): Promise<boolean> {
  const executor = transaction ?? services.database.db;
  const now = services.clock.now();
  // One statement, so it cannot fall between a handler's suspend and its commit (on Postgres the
  // row lock makes it see the suspended row): waiting → ready, running → ready on suspend, ready
  // stays ready but locked.
  const updated = await executor
    .updateTable('task')
    .set({
      status: sql<string>`case when status = 'waiting' then 'ready' else status end`,
      run_at: sql<number>`case when status = 'waiting' then ${now} else run_at end`,
      wait_reason: sql<string | null>`case when status = 'waiting' then null else wait_reason end`,
      wake_requested: sql<number>`case when status = 'running' then 1 else 0 end`,
      updated_at: now,
    })
    .where('id', '=', taskId)
    .where('status', 'in', ['waiting', 'running', 'ready'])
    .returning('status')
    .executeTakeFirst();
  if (!updated) return false;
  if (updated.status === 'ready') {
    await taskStore(services.database).notify(executor);
    taskSignals(services.database).wake();
  }
  return true;
}
