import { type Kysely, sql, type UpdateObject } from 'kysely';
import { transact } from '../events/index.js';
import type { Schema } from '../storage/index.js';
import type { TaskServices } from './enqueue-task.js';
import { type BackoffOptions, describeError, retryDelay } from './retry-policy.js';
import { settleDependents } from './settle-dependents.js';
import { taskSignals } from './task-signals.js';
import type { TaskRecord } from './types.js';

/**
 * Ends this claim of `task` with `changes` (the lease is cleared). Fenced: it matches only while the
 * task is still running under this claim, so a worker that lost its lease changes nothing.
 */
function releaseClaim(executor: Kysely<Schema>, task: TaskRecord, changes: UpdateObject<Schema, 'task'>) {
  return executor
    .updateTable('task')
    .set({ ...changes, locked_by: null, locked_until: null })
    .where('id', '=', task.id)
    .where('claim_count', '=', task.claimCount)
    .where('status', '=', 'running');
}

/** Keeps an attempt that did not succeed in `task_attempt`, its error with it. */
async function recordAttempt(
  transaction: Kysely<Schema>,
  task: TaskRecord,
  attempt: { outcome: 'failed' | 'deferred'; workerId: string; error: Error },
  now: number,
): Promise<void> {
  await transaction
    .insertInto('task_attempt')
    .values({
      task_id: task.id,
      attempt: task.attempts,
      claim: task.claimCount,
      org_id: task.orgId,
      worker_id: attempt.workerId,
      outcome: attempt.outcome,
      error: describeError(attempt.error),
      started_at: task.startedAt,
      finished_at: now,
    })
    .execute();
}

export interface AttemptFailure {
  error: Error;
  retryable: boolean;
  workerId: string;
  backoff?: BackoffOptions;
}

/**
 * Records a failed attempt (its error kept in `task_attempt`) and either schedules a retry with
 * backoff or dead-letters the task (`failed`), settling its dependents. Fenced by the claim count:
 * a worker that lost its lease changes nothing. Returns the new status, or null when fenced out.
 */
export async function failAttempt(
  services: TaskServices,
  task: TaskRecord,
  failure: AttemptFailure,
): Promise<'ready' | 'failed' | null> {
  const now = services.clock.now();
  const runAt = now + retryDelay(task.attempts, failure.backoff);
  const final =
    !failure.retryable ||
    task.attempts >= task.maxAttempts ||
    (task.deadlineAt !== null && runAt >= task.deadlineAt);
  const ended: string[] = [];
  const status = await transact(services, async (transaction, outbox) => {
    const updated = await releaseClaim(transaction, task, {
      status: final ? 'failed' : 'ready',
      run_at: final ? task.runAt : runAt,
      finished_at: final ? now : null,
      last_error: failure.error.message,
      updated_at: now,
    })
      .returning(['id', 'has_dependents'])
      .executeTakeFirst();
    if (!updated) return null;
    await recordAttempt(transaction, task, { outcome: 'failed', ...failure }, now);
    const payload = { kind: task.kind, attempt: task.attempts, error: failure.error.message };
    if (!final) {
      await outbox.emit({
        type: 'task-retry-scheduled',
        orgId: task.orgId,
        subjectId: task.id,
        payload: { ...payload, runAt },
      });
      return 'ready' as const;
    }
    ended.push(task.id);
    await outbox.emit({ type: 'task-failed', orgId: task.orgId, subjectId: task.id, payload });
    if (updated.has_dependents) ended.push(...(await settleDependents(transaction, outbox, [task.id], now)));
    return 'failed' as const;
  });
  taskSignals(services.database).finished(ended);
  return status;
}

/**
 * The attempt failed because the database was unavailable (unreachable, busy, full): not the
 * task's fault, so the attempt is not counted. The lease is given back, the attempt recorded in
 * `task_attempt` as `deferred`, and the task is ready again after `delayMs`. Fenced by the claim
 * count like every transition; returns false when fenced out.
 */
export async function deferAttempt(
  services: TaskServices,
  task: TaskRecord,
  deferral: { error: Error; workerId: string; delayMs: number },
): Promise<boolean> {
  const now = services.clock.now();
  const runAt = now + deferral.delayMs;
  return transact(services, async (transaction, outbox) => {
    const updated = await releaseClaim(transaction, task, {
      status: 'ready',
      attempts: sql<number>`attempts - 1`,
      run_at: runAt,
      last_error: deferral.error.message,
      updated_at: now,
    }).executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return false;
    await recordAttempt(transaction, task, { outcome: 'deferred', ...deferral }, now);
    await outbox.emit({
      type: 'task-retry-scheduled',
      orgId: task.orgId,
      subjectId: task.id,
      payload: {
        kind: task.kind,
        attempt: task.attempts,
        error: deferral.error.message,
        runAt,
        counted: false,
      },
    });
    return true;
  });
}

/**
 * The handler returned `context.suspend(reason)`: the task waits without a lease (and the attempt
 * is not counted). A `resumeTask` that arrived while it was still running makes it ready at once.
 */
export async function suspendRunning(
  services: TaskServices,
  task: TaskRecord,
  reason: string,
): Promise<'waiting' | 'ready' | null> {
  const now = services.clock.now();
  const status = await transact(services, async (transaction, outbox) => {
    const updated = await releaseClaim(transaction, task, {
      status: sql<string>`case when wake_requested = 1 then 'ready' else 'waiting' end`,
      wake_requested: 0,
      wait_reason: reason,
      attempts: sql<number>`attempts - 1`,
      run_at: now,
      updated_at: now,
    })
      .returning(['status'])
      .executeTakeFirst();
    if (!updated) return null;
    await outbox.emit({ type: 'task-suspended', orgId: task.orgId, subjectId: task.id, payload: { reason } });
    return updated.status as 'waiting' | 'ready';
  });
  if (status === 'ready') taskSignals(services.database).wake();
  return status;
}

/** Gives a lease back without counting the attempt (worker shutdown). */
export async function releaseLease(services: TaskServices, task: TaskRecord): Promise<boolean> {
  const now = services.clock.now();
  const result = await releaseClaim(services.database.db, task, {
    status: 'ready',
    attempts: sql<number>`attempts - 1`,
    run_at: now,
    updated_at: now,
  }).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
