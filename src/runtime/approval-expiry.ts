import type { Transaction } from 'kysely';
import { z } from 'zod';
import { transact } from '../events/index.js';
import { parseJson, type Schema, toJson } from '../storage/index.js';
import { defineTaskHandler, enqueueTask, resumeTask, type TaskHandler } from '../tasks/index.js';
import { runEvent } from './run-events.js';
import { loadRun } from './run-store.js';
import type { Run, RuntimeServices, ToolStepPayload } from './run-types.js';

/** The durable task that rejects a tool call nobody approved or rejected in time. */
export const approvalExpiryKind = 'approval-expiry';

/** The payload of an `approval-expiry` task. */
export const approvalExpiryPayload = z.object({ runId: z.string(), toolCallId: z.string() });
type ExpiryPayload = z.infer<typeof approvalExpiryPayload>;

/** `90000` → `1.5 min`: how long an approval request stayed open, for the model and the human. */
function duration(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 6_000) / 10} min`;
  return `${Math.round(ms / 360_000) / 10} h`;
}

/**
 * Schedules the expiry of a tool call's approval request, in the transaction that writes the
 * request; returns when it expires. Nothing is scheduled when `approvalTtlMs` is 0.
 */
export async function scheduleApprovalExpiry(
  services: RuntimeServices,
  transaction: Transaction<Schema>,
  run: Run,
  toolCallId: string,
): Promise<number | undefined> {
  const ttl = services.runtime.approvalTtlMs;
  if (ttl <= 0) return undefined;
  const expiresAt = services.clock.now() + ttl;
  const payload: ExpiryPayload = { runId: run.id, toolCallId };
  await enqueueTask(
    services,
    { orgId: run.orgId, kind: approvalExpiryKind, payload, runAt: expiresAt, parentId: null },
    transaction,
  );
  return expiresAt;
}

/**
 * Rejects the call if it still awaits approval once its time is up: the model sees the reason as
 * a denied call, a `tool-call-approval-expired` event is written, and the run resumes when no
 * other call of it still waits for a human. A call decided in time is left alone.
 */
export async function expireApproval(
  services: RuntimeServices,
  runId: string,
  toolCallId: string,
): Promise<boolean> {
  return transact(services, async (transaction, outbox) => {
    const run = await loadRun(transaction, runId);
    const step = await transaction
      .selectFrom('run_step')
      .selectAll()
      .where('run_id', '=', run.id)
      .where('tool_call_id', '=', toolCallId)
      .where('kind', '=', 'tool')
      .executeTakeFirst();
    if (step?.status !== 'awaiting-approval') return false;
    const now = services.clock.now();
    const previous = parseJson<ToolStepPayload>(step.payload, { input: null });
    const waited = now - Number(step.created_at);
    const reason = `the approval request expired: nobody approved or rejected this call within ${duration(waited)}`;
    const payload: ToolStepPayload = {
      ...previous,
      decision: { decision: 'reject', reason, by: 'system', at: now },
    };
    const updated = await transaction
      .updateTable('run_step')
      .set({ status: 'rejected', payload: toJson(payload), completed_at: now })
      .where('id', '=', step.id)
      .where('status', '=', 'awaiting-approval')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return false;
    await outbox.emit(
      runEvent(
        run,
        'tool-call-approval-expired',
        { toolCallId, toolName: step.tool_name, reason, expiresAt: previous.expiresAt ?? now },
        toolCallId,
      ),
    );
    const pending = await transaction
      .selectFrom('run_step')
      .select('id')
      .where('run_id', '=', run.id)
      .where('status', '=', 'awaiting-approval')
      .executeTakeFirst();
    if (!pending && run.taskId && run.status === 'waiting')
      await resumeTask(services, run.taskId, transaction);
    return true;
  });
}

/** The handler of `approval-expiry` tasks. */
export function createApprovalExpiryHandler(services: RuntimeServices): TaskHandler {
  return defineTaskHandler(approvalExpiryPayload, async (_context, { runId, toolCallId }) => ({
    expired: await expireApproval(services, runId, toolCallId),
  }));
}
