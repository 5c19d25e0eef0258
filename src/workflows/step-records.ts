import type { Transaction } from 'kysely';
import { type Outbox, transact } from '../events/index.js';
import { type Schema, toJson } from '../storage/index.js';
import { enqueueTask } from '../tasks/index.js';
import type { Execution, PendingWrite, StepWrite } from './execution.js';
import { runEvent, workflowTimerKind } from './run-store.js';

/** Largest JSON of one step's output. */
export const maxStepOutputChars = 1_000_000;

function outputJson(output: unknown, key: string): string | null {
  if (output === undefined) return null;
  const json = toJson(output);
  if (json.length > maxStepOutputChars) {
    throw new Error(`step ${key}: output is ${json.length} characters, over ${maxStepOutputChars}`);
  }
  return json;
}

/** Pure completions held back before one commit, at most this many. */
const maxBuffered = 50;

/**
 * Writes a step's state and its events. A completed step that only computed values (`set`,
 * `switch` choice aside) is buffered and committed with the next write — a crash before that
 * commit reruns it, which is harmless since it has no effect outside its row. Every other write
 * commits at once, with what is buffered. A `waiting` write with `wakeAt` enqueues the timer task
 * that resumes the run then (a child of the run's task, so a cancel reaches it). `extra` joins
 * more rows to the same commit (a sub-workflow's run).
 */
export async function writeStep(
  execution: Execution,
  write: StepWrite,
  extra?: (transaction: Transaction<Schema>, outbox: Outbox) => Promise<void>,
): Promise<void> {
  const now = execution.services.clock.now();
  const output = outputJson(write.output, write.key);
  remember(execution, write, now);
  if (write.buffer && !extra) {
    execution.buffered.push({ write, output, now });
    if (execution.buffered.length < maxBuffered) return;
  }
  await flushSteps(execution, write.buffer && !extra ? undefined : { write, output, now }, extra);
}

/** Commits the buffered step writes (and `last`, and `extra`) in one transaction. */
export async function flushSteps(
  execution: Execution,
  last?: PendingWrite,
  extra?: (transaction: Transaction<Schema>, outbox: Outbox) => Promise<void>,
): Promise<void> {
  const pending = execution.buffered.splice(0);
  if (last) pending.push(last);
  if (pending.length === 0 && !extra) return;
  try {
    await transact(execution.services, async (transaction, outbox) => {
      for (const item of pending) await writeRow(execution, transaction, outbox, item);
      if (extra) await extra(transaction, outbox);
    });
  } catch (error) {
    // Not committed: keep the buffered completions for the next try (the retried step rewrites `last`).
    execution.buffered.unshift(...pending.filter((item) => item !== last));
    throw error;
  }
}

async function writeRow(
  execution: Execution,
  transaction: Transaction<Schema>,
  outbox: Outbox,
  { write, output, now }: PendingWrite,
): Promise<void> {
  const { services, run } = execution;
  const { step, key, attempt, status } = write;
  const finished = status === 'completed' || status === 'skipped' || status === 'failed';
  const base = { key, stepId: step.id, stepType: step.type };
  const values = {
    status,
    attempts: attempt,
    output,
    error: write.error ?? null,
    wake_at: write.wakeAt ?? null,
    updated_at: now,
    finished_at: finished ? now : null,
  };
  await transaction
    .insertInto('workflow_step')
    .values({
      run_id: run.id,
      step_key: key,
      org_id: run.orgId,
      step_id: step.id,
      type: step.type,
      started_at: now,
      ...values,
    })
    .onConflict((conflict) => conflict.columns(['run_id', 'step_key']).doUpdateSet(values))
    .execute();
  if (write.started || status === 'running') {
    await outbox.emit(runEvent(run, 'workflow-step-started', { ...base, attempt }));
  }
  if (status === 'completed' || status === 'skipped') {
    await outbox.emit(
      runEvent(run, 'workflow-step-completed', { ...base, attempt, skipped: status === 'skipped' }),
    );
  }
  if (status === 'failed') {
    await outbox.emit(
      runEvent(run, 'workflow-step-failed', {
        ...base,
        attempt,
        error: write.error ?? 'failed',
        retryAt: write.retryAt ?? null,
      }),
    );
  }
  if (status === 'waiting') {
    await outbox.emit(
      runEvent(run, 'workflow-step-waiting', {
        ...base,
        reason: write.reason ?? 'waiting',
        wakeAt: write.wakeAt ?? null,
      }),
    );
    if (write.wakeAt != null) {
      await enqueueTask(
        services,
        {
          orgId: run.orgId,
          kind: workflowTimerKind,
          payload: { runTaskId: run.taskId },
          runAt: write.wakeAt,
          parentId: run.taskId,
          idempotencyKey: `workflow-timer:${run.id}:${key}:${attempt}`,
        },
        transaction,
      );
    }
  }
}

function remember(execution: Execution, write: StepWrite, now: number): void {
  const { step, key, attempt, status } = write;
  const finished = status === 'completed' || status === 'skipped' || status === 'failed';
  execution.memo.set(key, {
    key,
    stepId: step.id,
    type: step.type,
    status,
    attempts: attempt,
    output: write.output ?? null,
    error: write.error ?? null,
    wakeAt: write.wakeAt ?? null,
    startedAt: execution.memo.get(key)?.startedAt ?? now,
    finishedAt: finished ? now : null,
  });
}
