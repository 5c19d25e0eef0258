import type { Transaction } from 'kysely';
import { type Outbox, transact } from '../events/index.js';
import { type Schema, toJson } from '../storage/index.js';
import { enqueueTask } from '../tasks/index.js';
import type { Step } from './definition-schema.js';
import type { Execution } from './execution.js';
import { runEvent, type StepStatus, workflowTimerKind } from './run-store.js';

/** Largest JSON of one step's output. */
export const maxStepOutputChars = 1_000_000;

interface StepWrite {
  step: Step;
  key: string;
  attempt: number;
  status: StepStatus;
  output?: unknown;
  error?: string | null;
  wakeAt?: number | null;
  /** Emit `workflow-step-started` too (a step that starts and ends in one write). */
  started?: boolean;
  retryAt?: number | null;
  reason?: string;
}

function outputJson(output: unknown, key: string): string | null {
  if (output === undefined) return null;
  const json = toJson(output);
  if (json.length > maxStepOutputChars) {
    throw new Error(`step ${key}: output is ${json.length} characters, over ${maxStepOutputChars}`);
  }
  return json;
}

/**
 * Writes a step's state and its events in one transaction. A `waiting` write with `wakeAt`
 * enqueues the timer task that resumes the run then (a child of the run's task, so a cancel
 * reaches it). `extra` joins more rows to the same commit (a sub-workflow's run).
 */
export async function writeStep(
  execution: Execution,
  write: StepWrite,
  extra?: (transaction: Transaction<Schema>, outbox: Outbox) => Promise<void>,
): Promise<void> {
  const { services, run } = execution;
  const { step, key, attempt, status } = write;
  const now = services.clock.now();
  const output = outputJson(write.output, key);
  const finished = status === 'completed' || status === 'skipped' || status === 'failed';
  const base = { key, stepId: step.id, stepType: step.type };
  await transact(services, async (transaction, outbox) => {
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
    if (extra) await extra(transaction, outbox);
  });
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
