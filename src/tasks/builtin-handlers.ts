import { z } from 'zod';
import type { TaskHandler } from './types.js';

/** Longest `sleep` task: an hour. */
export const maxSleepMs = 3_600_000;

/**
 * Task kinds an API caller may enqueue (`POST /v1/tasks`), each with the schema of its payload.
 * Every other kind is internal: `agent-run` tasks are created by posting a chat message, mission
 * and workflow tasks by their capability. They are harmless demos and probes of the engine:
 * - `noop` — does nothing, returns `null`;
 * - `echo` — returns its payload as the result;
 * - `sleep` — `{ ms }`: waits (honouring cancellation, deadline and timeout), returns `{ sleptMs }`.
 */
export const apiTaskKinds = {
  noop: z.unknown(),
  echo: z.unknown(),
  sleep: z.object({ ms: z.number().int().min(0).max(maxSleepMs) }).strict(),
} as const;

export type ApiTaskKind = keyof typeof apiTaskKinds;

export function isApiTaskKind(kind: string): kind is ApiTaskKind {
  return Object.hasOwn(apiTaskKinds, kind);
}

/** The handlers of the API task kinds; every worker pool of `colony serve|worker` runs them. */
export function createBuiltinTaskHandlers(): Record<ApiTaskKind, TaskHandler> {
  return {
    noop: async () => null,
    echo: async ({ payload }) => payload,
    sleep: async ({ payload, signal }) => {
      const { ms } = apiTaskKinds.sleep.parse(payload);
      const started = Date.now();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        }
        signal.addEventListener('abort', done, { once: true });
      });
      signal.throwIfAborted();
      return { sleptMs: Date.now() - started };
    },
  };
}
