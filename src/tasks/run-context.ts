import { ColonyError } from '../errors/index.js';
import type { TaskStore } from '../storage/index.js';
import { parseJson, toJson } from '../storage/index.js';
import type { TaskServices } from './enqueue-task.js';
import type { SuspendSignal, TaskRecord, TaskRunContext } from './types.js';

const suspendSignals = new WeakSet<object>();

/** True for the value `context.suspend(reason)` returned. */
export function isSuspendSignal(value: unknown): value is SuspendSignal {
  return typeof value === 'object' && value !== null && suspendSignals.has(value);
}

export interface RunContextOptions {
  services: Pick<TaskServices, 'database' | 'clock'>;
  store: TaskStore;
  task: TaskRecord;
  signal: AbortSignal;
  /** Extends the lease; resolves false when the task is no longer running under it. */
  renewLease(): Promise<boolean>;
  /** Aborts the run because the lease is gone (canceled or reclaimed). */
  abandon(reason: Error): void;
}

/**
 * The context a handler receives. Steps are loaded lazily and only when an earlier claim of the
 * task may have stored some (a first attempt never reads `task_step`).
 */
export function createRunContext(options: RunContextOptions): TaskRunContext {
  const { services, store, task, signal } = options;
  let memo: Map<string, unknown> | undefined;
  const loadSteps = async (): Promise<Map<string, unknown>> => {
    if (memo) return memo;
    const loaded = new Map<string, unknown>();
    if (task.claimCount > 1) {
      const rows = await services.database.db
        .selectFrom('task_step')
        .select(['name', 'result'])
        .where('task_id', '=', task.id)
        .execute();
      for (const row of rows) loaded.set(row.name, parseJson<unknown>(row.result, null));
    }
    memo = loaded;
    return loaded;
  };

  return {
    task,
    payload: task.payload,
    signal,
    attempt: task.attempts,
    async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
      const steps = await loadSteps();
      if (steps.has(name)) return steps.get(name) as T;
      signal.throwIfAborted();
      const value = await fn();
      await store.saveStep(task.id, name, toJson(value), services.clock.now());
      steps.set(name, value);
      return value;
    },
    async heartbeat() {
      signal.throwIfAborted();
      if (!(await options.renewLease())) {
        const reason = new ColonyError('canceled', `task ${task.id} is no longer running under this lease`);
        options.abandon(reason);
        throw reason;
      }
    },
    suspend(reason) {
      const suspension: SuspendSignal = { kind: 'suspend', reason };
      suspendSignals.add(suspension);
      return suspension;
    },
  };
}
