import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ColonyError, coerceError } from '../errors/index.js';
import { backoffDelay, sleep } from '../kernel/index.js';
import {
  createOutageBackoff,
  databaseOutageOf,
  type SucceededTask,
  taskStore,
  toJson,
} from '../storage/index.js';
import type { TaskServices } from './enqueue-task.js';
import { expireDeadLocalLeases, reclaimDeadLocalWorkers } from './reclaim-dead-workers.js';
import { reclaimExpired } from './reclaim-expired.js';
import { isRetryable } from './retry-policy.js';
import { createRunContext, isSuspendSignal } from './run-context.js';
import { toTaskRecord } from './task-record.js';
import { taskSignals } from './task-signals.js';
import { deferAttempt, failAttempt, releaseLease, suspendRunning } from './task-transitions.js';
import type { TaskRecord, WorkerPool, WorkerPoolOptions } from './types.js';

type AbortKind = 'cancel' | 'lease-lost' | 'timeout' | 'deadline' | 'shutdown';

interface Execution {
  task: TaskRecord;
  controller: AbortController;
  abortKind: AbortKind | undefined;
  settled: boolean;
  cleanup: Array<() => void>;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: Error };

/** How long a task whose attempt a database outage broke waits, by its claim count. */
const deferral = { baseMs: 1000, maxMs: 60_000 };

/**
 * Runs handlers for claimed tasks, at most `concurrency` at once. One loop claims in batches and
 * records successes in batches (one transaction per cycle); failures, suspensions and releases are
 * rarer and go through their own transactions. Leases are renewed for all running tasks every
 * `leaseMs / 3`; expired leases anywhere are reclaimed every `leaseMs / 2`.
 *
 * A database outage stops nothing for good: each loop backs off (logging the outage once) and
 * resumes when the database answers; a transition waits for it; an attempt the outage broke is
 * deferred, not counted (see `deferAttempt`).
 *
 * @example
 * const pool = createWorkerPool(services, { concurrency: 8, handlers: { 'send-report': sendReport } });
 * pool.start();
 * await pool.stop({ drainMs: 5000 });
 */
export function createWorkerPool(services: TaskServices, options: WorkerPoolOptions): WorkerPool {
  const store = taskStore(services.database);
  const signals = taskSignals(services.database);
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const leaseMs = options.leaseMs ?? 30_000;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const batchSize = Math.max(1, options.batchSize ?? Math.min(options.concurrency, 100));
  const kinds = Object.keys(options.handlers);
  const running = new Map<string, Execution>();
  const transitions = new Set<Promise<unknown>>();
  let succeeded: SucceededTask[] = [];
  let state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  let kicked = false;
  let wakeLoop: (() => void) | undefined;
  let loopDone: Promise<void> = Promise.resolve();
  const stops: Array<() => unknown> = [];
  const logger = services.logger.child({ workerId });
  const claimBackoff = createOutageBackoff(logger, 'task claims');
  const transitionBackoff = createOutageBackoff(logger, 'task transitions');
  /** While stopping, transitions stop waiting for the database at this time. */
  let giveUpAt = Number.POSITIVE_INFINITY;

  const kick = () => {
    kicked = true;
    wakeLoop?.();
  };

  const waitForKick = (milliseconds: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, milliseconds);
      function done() {
        clearTimeout(timer);
        wakeLoop = undefined;
        resolve();
      }
      wakeLoop = done;
    });

  const abort = (execution: Execution, kind: AbortKind, reason: Error) => {
    if (execution.settled || execution.controller.signal.aborted) return;
    execution.abortKind = kind;
    execution.controller.abort(reason);
  };

  /** Runs a transition until the database takes it; an outage is waited out with backoff. */
  const persist = async (write: () => Promise<unknown>): Promise<unknown> => {
    for (;;) {
      try {
        const result = await write();
        transitionBackoff.succeeded();
        return result;
      } catch (error) {
        if (!databaseOutageOf(error) || Date.now() > giveUpAt) throw error;
        await sleep(transitionBackoff.failed(error));
      }
    }
  };

  /** Waits `milliseconds`, or less when the pool stops meanwhile. */
  const pause = async (milliseconds: number) => {
    const until = performance.now() + milliseconds;
    while (state === 'running' && performance.now() < until) await waitForKick(until - performance.now());
  };

  const track = (execution: Execution, transition: () => Promise<unknown>) => {
    const tracked = persist(transition)
      .catch((error: unknown) => {
        logger.warn({ err: coerceError(error), taskId: execution.task.id }, 'task transition failed');
      })
      .finally(() => {
        transitions.delete(tracked);
        running.delete(execution.task.id);
        kick();
      });
    transitions.add(tracked);
  };

  const settle = (execution: Execution, outcome: Outcome) => {
    if (execution.settled) return;
    execution.settled = true;
    for (const cleanup of execution.cleanup) cleanup();
    const { task } = execution;
    const kind = execution.abortKind;
    if (kind === 'cancel' || kind === 'lease-lost') {
      running.delete(task.id); // the row already says what happened; this lease is void
      kick();
      return;
    }
    if (outcome.ok && isSuspendSignal(outcome.value)) {
      const { reason } = outcome.value;
      track(execution, () => suspendRunning(services, task, reason));
      return;
    }
    if (outcome.ok) {
      running.delete(task.id);
      succeeded.push({ id: task.id, claimCount: task.claimCount, result: toJson(outcome.value) });
      kick();
      return;
    }
    if (kind === 'shutdown') {
      track(execution, () => releaseLease(services, task));
      return;
    }
    const outage = kind === undefined ? databaseOutageOf(outcome.error) : undefined;
    if (outage && outage !== 'timeout') {
      // A slow statement may be the task's own doing and counts; a database that is gone does not.
      const deferred = { error: outcome.error, workerId, delayMs: backoffDelay(task.claimCount, deferral) };
      track(execution, () => deferAttempt(services, task, deferred));
      return;
    }
    const timedOut = kind === 'timeout' || kind === 'deadline';
    const reason = execution.controller.signal.reason;
    const error = timedOut && reason instanceof Error ? reason : outcome.error;
    const retryable = kind === 'deadline' ? false : isRetryable(error);
    track(execution, () =>
      failAttempt(services, task, { error, retryable, workerId, backoff: options.backoff ?? {} }),
    );
  };

  const renew = async (leases: Execution[]): Promise<string[]> => {
    const now = services.clock.now();
    const lost = await store.heartbeat(
      leases.map((execution) => ({ id: execution.task.id, claimCount: execution.task.claimCount })),
      now + leaseMs,
      now,
    );
    return lost;
  };

  const launch = (task: TaskRecord) => {
    const controller = new AbortController();
    const execution: Execution = { task, controller, abortKind: undefined, settled: false, cleanup: [] };
    running.set(task.id, execution);
    execution.cleanup.push(signals.registerRunning(task.id, (reason) => abort(execution, 'cancel', reason)));
    const now = services.clock.now();
    if (task.deadlineAt !== null && task.deadlineAt <= now) {
      abort(execution, 'deadline', new ColonyError('timeout', `task ${task.id} passed its deadline`));
      settle(execution, {
        ok: false,
        error: new ColonyError('timeout', 'deadline passed before the task started'),
      });
      return;
    }
    const limits: Array<[number, AbortKind]> = [];
    if (task.timeoutMs !== null) limits.push([task.timeoutMs, 'timeout']);
    if (task.deadlineAt !== null) limits.push([task.deadlineAt - now, 'deadline']);
    for (const [delay, kind] of limits) {
      const timer = setTimeout(() => {
        const message = kind === 'timeout' ? `attempt timed out after ${delay} ms` : 'deadline passed';
        abort(execution, kind, new ColonyError('timeout', `task ${task.id}: ${message}`));
      }, delay);
      execution.cleanup.push(() => clearTimeout(timer));
    }
    const handler = options.handlers[task.kind];
    const context = createRunContext({
      services,
      store,
      task,
      signal: controller.signal,
      renewLease: async () => (await renew([execution])).length === 0,
      abandon: (reason) => abort(execution, 'lease-lost', reason),
    });
    let result: Promise<unknown>;
    try {
      result = handler
        ? handler(context)
        : Promise.reject(new Error(`no handler for task kind ${task.kind}`));
    } catch (error) {
      result = Promise.reject(error);
    }
    result.then(
      (value) => settle(execution, { ok: true, value }),
      (error: unknown) => settle(execution, { ok: false, error: coerceError(error) }),
    );
  };

  /** One transaction: record successes, then claim what fits. Returns true when more may be ready. */
  const cycle = async (): Promise<boolean> => {
    const free = options.concurrency - running.size;
    const batch = succeeded;
    succeeded = [];
    const now = services.clock.now();
    const claim =
      state === 'running' && free > 0
        ? { workerId, kinds, limit: Math.min(free, batchSize), leaseUntil: now + leaseMs }
        : null;
    if (batch.length === 0 && !claim) return false;
    let result: Awaited<ReturnType<typeof store.cycle>>;
    try {
      result = await store.cycle(batch, claim, now);
    } catch (error) {
      succeeded = batch.concat(succeeded);
      throw error;
    }
    if (result.completed.length > 0) signals.finished(result.completed);
    if (result.readied > 0) signals.wake();
    for (const row of result.claimed) launch(toTaskRecord(row));
    return claim !== null && result.claimed.length === claim.limit;
  };

  const loop = async () => {
    while (state === 'running') {
      await new Promise<void>((resolve) => setImmediate(resolve));
      kicked = false;
      try {
        const more = await cycle();
        claimBackoff.succeeded();
        if (more) continue;
      } catch (error) {
        await pause(claimBackoff.failed(error));
        continue;
      }
      if (!kicked && state === 'running') await waitForKick(pollIntervalMs);
    }
  };

  const flush = async () => {
    if (succeeded.length === 0) return;
    const batch = succeeded;
    succeeded = [];
    const result = await store.cycle(batch, null, services.clock.now());
    signals.finished(result.completed);
    if (result.readied > 0) signals.wake();
  };

  /**
   * Runs `fn` every `milliseconds`, never overlapping; the stop function waits for a run in flight.
   * Through an outage it keeps its period (a third of a lease at most: a longer pause would lose
   * leases) and logs once.
   */
  const every = (subject: string, milliseconds: number, fn: () => Promise<unknown>) => {
    const backoff = createOutageBackoff(logger, subject);
    let current: Promise<unknown> | undefined;
    const timer = setInterval(() => {
      if (current) return;
      current = fn()
        .then(
          () => backoff.succeeded(),
          (error: unknown) => backoff.failed(error),
        )
        .finally(() => {
          current = undefined;
        });
    }, milliseconds);
    return async () => {
      clearInterval(timer);
      await current;
    };
  };

  const heartbeatAll = async () => {
    const leases = [...running.values()].filter((execution) => !execution.settled);
    if (leases.length === 0) return;
    for (const id of await renew(leases)) {
      const execution = running.get(id);
      if (execution) {
        abort(
          execution,
          'lease-lost',
          new ColonyError('canceled', `task ${id} was canceled or its lease was lost`),
        );
      }
    }
  };

  let stopHeartbeats: () => Promise<void> = async () => {};
  let recovery: Promise<unknown> = Promise.resolve();

  return {
    start() {
      if (state !== 'idle') return;
      state = 'running';
      stopHeartbeats = every('task heartbeats', Math.max(10, Math.floor(leaseMs / 3)), heartbeatAll);
      const reclaimMs = options.reclaimIntervalMs ?? Math.max(50, Math.floor(leaseMs / 2));
      const recoverLocal = options.recoverLocalWorkers !== false;
      stops.push(
        every('task lease reclaims', reclaimMs, async () => {
          if (recoverLocal) await expireDeadLocalLeases(services);
          if ((await reclaimExpired(services)) > 0) kick();
        }),
      );
      if (recoverLocal) {
        // Startup recovery: tasks held by dead processes of this host are claimable at once.
        recovery = reclaimDeadLocalWorkers(services)
          .then((reclaimed) => {
            if (reclaimed > 0) {
              logger.info({ reclaimed }, 'reclaimed tasks of dead local workers');
              kick();
            }
          })
          .catch((error: unknown) =>
            logger.warn({ err: coerceError(error) }, 'local worker recovery failed'),
          );
      }
      stops.push(signals.onWake(kick));
      stops.push(store.listen(kick, createOutageBackoff(logger, 'task wake-ups (LISTEN)', { baseMs: 250 })));
      loopDone = loop();
    },
    async stop({ drainMs = 10_000 } = {}) {
      if (state !== 'running') return;
      state = 'stopping';
      giveUpAt = Date.now() + drainMs + 1000;
      kick();
      await loopDone;
      await recovery;
      await Promise.all(stops.splice(0).map((stop) => stop()));
      const deadline = Date.now() + drainMs;
      while ((running.size > 0 || succeeded.length > 0) && Date.now() < deadline) {
        await flush().catch(() => {});
        if (running.size > 0) await sleep(Math.min(10, Math.max(1, deadline - Date.now())));
      }
      const shutdown = new ColonyError('unavailable', 'worker shutting down');
      for (const execution of running.values()) abort(execution, 'shutdown', shutdown);
      const grace = Date.now() + 1000;
      while ([...running.values()].some((execution) => !execution.settled) && Date.now() < grace)
        await sleep(5);
      for (const execution of running.values()) {
        if (execution.settled) continue;
        execution.settled = true; // a handler ignoring its signal: give the lease back anyway
        for (const cleanup of execution.cleanup) cleanup();
        track(execution, () => releaseLease(services, execution.task));
      }
      await Promise.all([...transitions]);
      await flush().catch((error: unknown) => {
        logger.warn({ err: coerceError(error) }, 'final task flush failed');
      });
      await stopHeartbeats();
      state = 'stopped';
    },
    wake: kick,
  };
}
