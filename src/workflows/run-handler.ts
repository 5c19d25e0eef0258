import { z } from 'zod';
import type { Services } from '../context/index.js';
import { coerceError } from '../errors/index.js';
import { transact } from '../events/index.js';
import { toJson } from '../storage/index.js';
import { defineTaskHandler, resumeTask, type TaskHandler, type TaskRunContext } from '../tasks/index.js';
import { type Execution, RunEnded, type Scope, StepFailure, Suspension } from './execution.js';
import { evaluateTemplate } from './expressions.js';
import { validateAgainst } from './json-schema.js';
import { runSteps } from './run-steps.js';
import {
  loadRunRow,
  loadStepStates,
  runEvent,
  toRun,
  unfinishedRunStatuses,
  type WorkflowRun,
  workflowRunKind,
  workflowTimerKind,
} from './run-store.js';
import { flushSteps } from './step-records.js';
import { loadWorkflowVersion } from './workflows.js';

type Ending = { status: 'succeeded'; output: unknown } | { status: 'failed'; error: string };

/**
 * Ends a run in one commit: its row, its event, and — for a sub-workflow — the parent's waiting
 * step (`decided`, with the child's outcome) and the parent's task resumed.
 */
async function finishRun(services: Services, run: WorkflowRun, ending: Ending): Promise<boolean> {
  const now = services.clock.now();
  return transact(services, async (transaction, outbox) => {
    const updated = await transaction
      .updateTable('workflow_run')
      .set({
        status: ending.status,
        output: ending.status === 'succeeded' ? toJson(ending.output ?? null) : null,
        error: ending.status === 'failed' ? ending.error : null,
        updated_at: now,
        finished_at: now,
      })
      .where('id', '=', run.id)
      .where('status', 'in', [...unfinishedRunStatuses])
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return false;
    await outbox.emit(
      ending.status === 'succeeded'
        ? runEvent(run, 'workflow-run-succeeded', {})
        : runEvent(run, 'workflow-run-failed', { error: ending.error }),
    );
    if (run.parentRunId) {
      const outcome =
        ending.status === 'succeeded'
          ? { childRunId: run.id, status: 'succeeded', output: ending.output ?? null }
          : { childRunId: run.id, status: 'failed', error: ending.error };
      await settleParentStep(services, transaction, run, outcome);
    }
    return true;
  });
}

/** Hands a child run's outcome to the parent's waiting `workflow` step and wakes the parent. */
export async function settleParentStep(
  services: Services,
  transaction: Parameters<Parameters<typeof transact>[1]>[0],
  child: Pick<WorkflowRun, 'id' | 'orgId' | 'parentRunId'>,
  outcome: Record<string, unknown>,
): Promise<void> {
  if (!child.parentRunId) return;
  const parent = await loadRunRow(transaction, child.orgId, child.parentRunId);
  const row = await transaction
    .selectFrom('workflow_run')
    .select('parent_step_key')
    .where('id', '=', child.id)
    .executeTakeFirstOrThrow();
  if (!row.parent_step_key) return;
  await transaction
    .updateTable('workflow_step')
    .set({ status: 'decided', output: toJson(outcome), updated_at: services.clock.now() })
    .where('run_id', '=', parent.id)
    .where('step_key', '=', row.parent_step_key)
    .where('status', '=', 'waiting')
    .execute();
  await resumeTask(services, parent.task_id, transaction);
}

async function markWaiting(services: Services, run: WorkflowRun, reason: string): Promise<void> {
  await transact(services, async (transaction, outbox) => {
    const updated = await transaction
      .updateTable('workflow_run')
      .set({ status: 'waiting', updated_at: services.clock.now() })
      .where('id', '=', run.id)
      .where('status', '=', 'running')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) > 0) {
      await outbox.emit(runEvent(run, 'workflow-run-waiting', { reason }));
    }
  });
}

/** One invocation of a run: replays finished steps from their rows and runs on from the first unfinished. */
async function driveRun(services: Services, task: TaskRunContext, runId: string): Promise<unknown> {
  const { db } = services.database;
  const row = await loadRunRow(db, task.task.orgId, runId);
  if (!unfinishedRunStatuses.includes(toRun(row).status)) return { status: row.status };
  if (row.status === 'waiting') {
    await db
      .updateTable('workflow_run')
      .set({ status: 'running', updated_at: services.clock.now() })
      .where('id', '=', runId)
      .where('status', '=', 'waiting')
      .execute();
  }
  const run = { ...toRun(row), status: 'running' as const };
  const { version } = await loadWorkflowVersion(db, run.orgId, run.workflowId, run.version);
  const definition = version.definition;
  const steps = await loadStepStates(db, run.id);
  const execution: Execution = {
    services,
    run,
    definition,
    task,
    memo: new Map(steps.map((step) => [step.key, step])),
    signal: task.signal,
    buffered: [],
  };
  const scope: Scope = {
    input: run.input,
    steps: {},
    run: { id: run.id, workflow: run.workflow, version: run.version },
  };
  let ending: Ending;
  try {
    let output: unknown;
    try {
      output = await runSteps(execution, definition.steps, '', scope);
      if (definition.result !== undefined)
        output = await evaluateTemplate(definition.result, scope, 'result');
    } catch (error) {
      if (!(error instanceof RunEnded)) throw error;
      output = error.output;
    }
    if (definition.output) validateAgainst(definition.output, output, 'output');
    ending = { status: 'succeeded', output };
  } catch (error) {
    if (error instanceof Suspension) {
      await flushSteps(execution);
      await markWaiting(services, run, error.reason);
      return task.suspend(error.reason);
    }
    if (task.signal.aborted) throw error;
    if (!(error instanceof StepFailure) && !isDefinitionError(error)) throw error;
    ending = { status: 'failed', error: coerceError(error).message };
  }
  await flushSteps(execution);
  await finishRun(services, run, ending);
  return ending.status === 'succeeded' ? { status: 'succeeded' } : { status: 'failed', error: ending.error };
}

/** Failures of the definition's own expressions or schemas: the run fails, no task retry helps. */
function isDefinitionError(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'invalid_input';
}

/**
 * The task handlers of workflows: `workflow-run` drives one run (suspending while a step waits),
 * `workflow-timer` wakes a run when a `wait` ends or an approval times out.
 */
export function createWorkflowHandlers(services: Services): Record<string, TaskHandler> {
  return {
    [workflowRunKind]: defineTaskHandler(z.object({ runId: z.string().min(1) }), (task, { runId }) =>
      driveRun(services, task, runId),
    ),
    [workflowTimerKind]: defineTaskHandler(
      z.object({ runTaskId: z.string().min(1) }),
      async (_task, payload) => ({
        resumed: await resumeTask(services, payload.runTaskId),
      }),
    ),
  };
}
