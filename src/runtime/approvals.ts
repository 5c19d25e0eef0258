import { z } from 'zod';
import { requireRole } from '../context/index.js';
import { ColonyError, fromZodError, notFound } from '../errors/index.js';
import { transact } from '../events/index.js';
import { recordAudit } from '../identity/index.js';
import { parseJson, toJson } from '../storage/index.js';
import { resumeParentTask } from './execute-run.js';
import { runEvent } from './run-events.js';
import { loadRun } from './run-store.js';
import type { Run, RuntimeContext, ToolStepPayload } from './run-types.js';

export const approvalInput = z
  .object({
    toolCallId: z.string().min(1).max(200),
    decision: z.enum(['approve', 'reject']),
    reason: z.string().max(2000).optional(),
  })
  .strict();

export type ApprovalInput = z.input<typeof approvalInput>;

/** Resumes the run's durable task; provided by the engine wiring. */
export interface RunResumer {
  resume(run: Run): Promise<void>;
  cancel(run: Run, reason: string): Promise<void>;
}

/**
 * Records a human decision on a tool call that awaits approval, then resumes the run: an
 * approved call executes, a rejected one is reported to the model as denied.
 */
export async function decideApproval(
  context: RuntimeContext & { services: { runResumer: RunResumer } },
  runId: string,
  input: ApprovalInput,
): Promise<Run> {
  requireRole(context.actor, 'member');
  const parsed = approvalInput.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  const { services, actor } = context;
  const run = await transact(services, async (transaction, outbox) => {
    const current = await loadRun(transaction, runId, actor.orgId);
    const step = await transaction
      .selectFrom('run_step')
      .selectAll()
      .where('run_id', '=', current.id)
      .where('tool_call_id', '=', parsed.data.toolCallId)
      .where('kind', '=', 'tool')
      .executeTakeFirst();
    if (!step) throw notFound('tool call', parsed.data.toolCallId);
    if (step.status !== 'awaiting-approval') {
      throw new ColonyError(
        'conflict',
        `tool call ${parsed.data.toolCallId} is not awaiting approval (it is ${step.status})`,
      );
    }
    const previous = parseJson<ToolStepPayload>(step.payload, { input: null });
    if (previous.expiresAt !== undefined && services.clock.now() >= previous.expiresAt) {
      throw new ColonyError(
        'conflict',
        `the approval request for tool call ${parsed.data.toolCallId} expired at ${new Date(previous.expiresAt).toISOString()}`,
      );
    }
    const approved = parsed.data.decision === 'approve';
    const payload: ToolStepPayload = {
      ...previous,
      decision: {
        decision: parsed.data.decision,
        reason: parsed.data.reason ?? null,
        by: actor.id,
        at: services.clock.now(),
      },
    };
    const updated = await transaction
      .updateTable('run_step')
      .set({
        status: approved ? 'approved' : 'rejected',
        payload: toJson(payload),
        completed_at: approved ? null : services.clock.now(),
      })
      .where('id', '=', step.id)
      .where('status', '=', 'awaiting-approval')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) {
      throw new ColonyError('conflict', `tool call ${parsed.data.toolCallId} was decided meanwhile`);
    }
    await recordAudit(transaction, services, actor, {
      action: approved ? 'tool-call.approve' : 'tool-call.reject',
      resourceType: 'run',
      resourceId: current.id,
      details: {
        toolCallId: parsed.data.toolCallId,
        toolName: step.tool_name,
        reason: parsed.data.reason ?? null,
      },
    });
    await outbox.emit(
      runEvent(
        current,
        approved ? 'tool-call-approved' : 'tool-call-rejected',
        {
          toolCallId: parsed.data.toolCallId,
          toolName: step.tool_name,
          reason: parsed.data.reason ?? null,
        },
        parsed.data.toolCallId,
      ),
    );
    return current;
  });
  const pending = await services.database.db
    .selectFrom('run_step')
    .select('id')
    .where('run_id', '=', run.id)
    .where('status', '=', 'awaiting-approval')
    .executeTakeFirst();
  if (!pending) await services.runResumer.resume(run);
  return loadRun(services.database.db, run.id);
}

/** Cancels a run that has not finished: running work is aborted, a waiting run ends. */
export async function cancelRun(
  context: RuntimeContext & { services: { runResumer: RunResumer } },
  runId: string,
  reason = 'canceled by request',
): Promise<Run> {
  requireRole(context.actor, 'member');
  const { services, actor } = context;
  const run = await loadRun(services.database.db, runId, actor.orgId);
  if (['succeeded', 'failed', 'canceled'].includes(run.status)) return run;
  await transact(services, async (transaction, outbox) => {
    const now = services.clock.now();
    const updated = await transaction
      .updateTable('run')
      .set({ status: 'canceled', error: reason, finished_at: now, updated_at: now })
      .where('id', '=', run.id)
      .where('status', 'not in', ['succeeded', 'failed', 'canceled'])
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return;
    await recordAudit(transaction, services, actor, {
      action: 'run.cancel',
      resourceType: 'run',
      resourceId: run.id,
    });
    await resumeParentTask(services, transaction, run);
    await outbox.emit(runEvent(run, 'run-canceled', { reason }));
  });
  await services.runResumer.cancel(run, reason);
  return loadRun(services.database.db, run.id);
}
