import { EventEmitter } from 'node:events';
import type { Database } from '../storage/index.js';

/**
 * In-process wake-ups and aborts for one database handle: pools listen for `wake`, waiters for
 * `finished`, and running handlers register an abort function so `cancelTask` reaches them at once.
 * None of this is needed for correctness — other processes learn the same from rows and polling.
 */
export interface TaskSignals {
  wake(): void;
  onWake(listener: () => void): () => void;
  finished(ids: readonly string[]): void;
  onFinished(listener: (id: string) => void): () => void;
  registerRunning(id: string, abort: (reason: Error) => void): () => void;
  abortRunning(ids: readonly string[], reason: Error): void;
}

const registry = new WeakMap<Database, TaskSignals>();

export function taskSignals(database: Database): TaskSignals {
  const existing = registry.get(database);
  if (existing) return existing;
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const running = new Map<string, Set<(reason: Error) => void>>();
  const signals: TaskSignals = {
    wake() {
      emitter.emit('wake');
    },
    onWake(listener) {
      emitter.on('wake', listener);
      return () => emitter.off('wake', listener);
    },
    finished(ids) {
      if (emitter.listenerCount('finished') === 0) return;
      for (const id of ids) emitter.emit('finished', id);
    },
    onFinished(listener) {
      emitter.on('finished', listener);
      return () => emitter.off('finished', listener);
    },
    registerRunning(id, abort) {
      let set = running.get(id);
      if (!set) {
        set = new Set();
        running.set(id, set);
      }
      set.add(abort);
      return () => {
        set.delete(abort);
        if (set.size === 0 && running.get(id) === set) running.delete(id);
      };
    },
    abortRunning(ids, reason) {
      for (const id of ids) for (const abort of running.get(id) ?? []) abort(reason);
    },
  };
  registry.set(database, signals);
  return signals;
}
