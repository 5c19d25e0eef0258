import { ColonyError } from '../errors/index.js';
import type { TaskServices } from './enqueue-task.js';
import { getTask } from './task-queries.js';
import { taskSignals } from './task-signals.js';
import { type TaskRecord, terminalStatuses } from './types.js';

/**
 * Resolves with the task once it is succeeded, failed or canceled. Woken at once by this process's
 * workers; otherwise it polls (every `pollMs`, default 50), so it also sees other processes' work.
 * Rejects with `timeout` after `timeoutMs` and with the signal's reason when it aborts.
 */
export async function waitForTask(
  services: Pick<TaskServices, 'database'>,
  taskId: string,
  options: { signal?: AbortSignal; timeoutMs?: number; pollMs?: number } = {},
): Promise<TaskRecord> {
  const signals = taskSignals(services.database);
  const deadline =
    options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.timeoutMs;
  let wake: (() => void) | undefined;
  const unsubscribe = signals.onFinished((id) => {
    if (id === taskId) wake?.();
  });
  try {
    for (;;) {
      options.signal?.throwIfAborted();
      const task = await getTask(services, taskId);
      if (terminalStatuses.includes(task.status)) return task;
      const remaining = deadline - Date.now();
      if (remaining <= 0)
        throw new ColonyError('timeout', `task ${taskId} did not finish in ${options.timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(options.pollMs ?? 50, remaining));
        function done() {
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', done);
          wake = undefined;
          resolve();
        }
        wake = done;
        options.signal?.addEventListener('abort', done, { once: true });
      });
    }
  } finally {
    unsubscribe();
  }
}
