import { z } from 'zod';
import { type Context, inUnitOfWork, requireRole } from '../context/index.js';
import { ColonyError, fromZodError, notFound } from '../errors/index.js';
import type { Outbox } from '../events/index.js';
import { recordAudit } from '../identity/index.js';
import { toJson } from '../storage/index.js';
import { type CancelHook, cancelTaskTree, resumeTask } from '../tasks/index.js';
import { settleParentStep } from './run-handler.js';
import {
  loadRunRow,
  loadStepStates,
  runEvent,
  runStatuses,
  toRun,
  unfinishedRunStatuses,
  type WorkflowRun,
  type WorkflowStepState,
} from './run-store.js';
import { startRunIn } from './start-run.js';
import { loadWorkflowVersion } from './workflows.js';

export const startRunInput = z
  .object({
    workflow: z.string().min(1).max(200).describe('The workflow id or name'),
    version: z.number().int().min(1).optional().describe('Default: the latest'),
    input: z.unknown().optional().describe('Must match the workflow’s input schema'),
  })
  .strict();
export type StartRunInput = z.input<typeof startRunInput>;

/**
 * Starts a run of a workflow version (default the latest) with an input; it runs on the task
 * engine's workers. Member or above.
 *
 * @example startWorkflowRun(context, { workflow: 'triage', input: { ticket: 'T-1' } })
 */
export async function startWorkflowRun(context: Context, input: StartRunInput): Promise<WorkflowRun> {
  requireRole(context.actor, 'member');
  const parsed = startRunInput.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  const { services, actor } = context;
  return inUnitOfWork(context, async ({ transaction, outbox }) => {
    const found = await loadWorkflowVersion(
      transaction,
      actor.orgId,
      parsed.data.workflow,
      parsed.data.version,
    );
    const run = await startRunIn(services, transaction, outbox, {
      orgId: actor.orgId,
      createdBy: actor.id,
      workflow: found.workflow,
      version: found.version,
      input: parsed.data.input ?? {},
    });
    await recordAudit(transaction, services, actor, {
      action: 'workflow.run',
      resourceType: 'workflow_run',
      resourceId: run.id,
      details: { workflow: run.workflow, version: run.version },
    });
    return run;
  });
}

export async function getWorkflowRun(
  context: Context,
  runId: string,
): Promise<WorkflowRun & { steps: WorkflowStepState[] }> {
  requireRole(context.actor, 'viewer');
  const { db } = context.services.database;
  const run = toRun(await loadRunRow(db, context.actor.orgId, runId));
  return { ...run, steps: await loadStepStates(db, run.id) };
}

export async function listWorkflowRuns(
  context: Context,
  options: {
    workflow?: string | undefined;
    status?: string | undefined;
    limit?: number | undefined;
    cursor?: string | undefined;
  },
): Promise<{ runs: WorkflowRun[]; nextCursor: string | null }> {
  requireRole(context.actor, 'viewer');
  const limit = options.limit ?? 50;
  let query = context.services.database.db
    .selectFrom('workflow_run')
    .selectAll()
    .where('org_id', '=', context.actor.orgId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (options.workflow) query = query.where('workflow_name', '=', options.workflow);
  if (options.status) {
    const statuses = options.status
      .split(',')
      .filter((status) => (runStatuses as readonly string[]).includes(status));
    query = query.where('status', 'in', statuses.length > 0 ? statuses : ['']);
  }
  if (options.cursor) {
    const [at, id] = options.cursor.split('|');
    const createdAt = Number(at);
    if (!Number.isFinite(createdAt) || !id)
      throw new ColonyError('invalid_input', 'cursor: not a cursor of this list', {
        fields: [{ path: 'cursor', message: 'not a cursor of this list' }],
      });
    query = query.where((builder) =>
      builder.or([
        builder('created_at', '<', createdAt),
        builder.and([builder('created_at', '=', createdAt), builder('id', '<', id)]),
      ]),
    );
  }
  const rows = await query.execute();
  const page = rows.slice(0, limit).map(toRun);
  const last = page.at(-1);
  return { runs: page, nextCursor: rows.length > limit && last ? `${last.createdAt}|${last.id}` : null };
}

/** Cancels a run, its sub-workflow runs and its timers (its task tree); a finished run is returned unchanged. */
export async function cancelWorkflowRun(
  context: Context,
  runId: string,
  reason = 'canceled by the user',
): Promise<WorkflowRun> {
  requireRole(context.actor, 'member');
  const { services, actor } = context;
  return inUnitOfWork(context, async (unit) => {
    const row = await loadRunRow(unit.transaction, actor.orgId, runId);
    if (unfinishedRunStatuses.includes(toRun(row).status)) {
      await cancelTaskTree(unit, services, row.task_id, reason, { orgId: actor.orgId });
      await recordAudit(unit.transaction, services, actor, {
        action: 'workflow_run.cancel',
        resourceType: 'workflow_run',
        resourceId: runId,
      });
    }
    return toRun(await loadRunRow(unit.transaction, actor.orgId, runId));
  });
}

export const decisionInput = z
  .object({
    approve: z.boolean().describe('true approves, false rejects (the step fails; its onError may run)'),
    comment: z.string().max(2000).optional(),
  })
  .strict();

/** Approves or rejects a run's waiting `approval` step and resumes the run. Member or above. */
export async function decideWorkflowApproval(
  context: Context,
  runId: string,
  stepKey: string,
  input: z.input<typeof decisionInput>,
): Promise<WorkflowStepState> {
  requireRole(context.actor, 'member');
  const parsed = decisionInput.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  const { services, actor } = context;
  return inUnitOfWork(context, async ({ transaction, outbox }) => {
    const run = toRun(await loadRunRow(transaction, actor.orgId, runId));
    const step = await transaction
      .selectFrom('workflow_step')
      .selectAll()
      .where('run_id', '=', run.id)
      .where('step_key', '=', stepKey)
      .where('type', '=', 'approval')
      .executeTakeFirst();
    if (!step) throw notFound('approval step', stepKey);
    if (step.status !== 'waiting' || !unfinishedRunStatuses.includes(run.status)) {
      throw new ColonyError('conflict', `step ${stepKey} is ${step.status}, not waiting for a decision`);
    }
    const previous = step.output ? (JSON.parse(step.output) as Record<string, unknown>) : {};
    const output = {
      ...previous,
      approved: parsed.data.approve,
      by: actor.id,
      comment: parsed.data.comment ?? null,
    };
    await transaction
      .updateTable('workflow_step')
      .set({ status: 'decided', output: toJson(output), updated_at: services.clock.now() })
      .where('run_id', '=', run.id)
      .where('step_key', '=', stepKey)
      .where('status', '=', 'waiting')
      .execute();
    await outbox.emit(
      runEvent(run, 'workflow-approval-decided', {
        key: stepKey,
        stepId: step.step_id,
        stepType: 'approval',
        approved: parsed.data.approve,
        by: actor.id,
      }),
    );
    await recordAudit(transaction, services, actor, {
      action: parsed.data.approve ? 'workflow_run.approve' : 'workflow_run.reject',
      resourceType: 'workflow_run',
      resourceId: run.id,
      details: { step: stepKey },
    });
    await resumeTask(services, run.taskId, transaction);
    const states = await loadStepStates(transaction, run.id);
    const state = states.find((candidate) => candidate.key === stepKey);
    if (!state) throw notFound('approval step', stepKey);
    return state;
  });
}

/**
 * Ends the runs whose tasks a cancellation reached (the run and its sub-workflows), in the same
 * commit; a sub-workflow canceled on its own hands `canceled` to its parent's waiting step.
 */
export function createWorkflowCancelHook(services: Context['services']): CancelHook {
  return async (transaction, outbox: Outbox, canceledTaskIds, reason) => {
    const rows = await transaction
      .selectFrom('workflow_run')
      .selectAll()
      .where('task_id', 'in', [...canceledTaskIds])
      .where('status', 'in', [...unfinishedRunStatuses])
      .execute();
    const now = services.clock.now();
    for (const row of rows) {
      await transaction
        .updateTable('workflow_run')
        .set({ status: 'canceled', error: reason, updated_at: now, finished_at: now })
        .where('id', '=', row.id)
        .execute();
      const run = toRun(row);
      await outbox.emit(runEvent(run, 'workflow-run-canceled', { reason }));
      await settleParentStep(services, transaction, run, {
        childRunId: run.id,
        status: 'canceled',
        error: reason,
      });
    }
  };
}
