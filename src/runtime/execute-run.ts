import type { Transaction } from 'kysely';
import { type Agent, loadAgent } from '../agents/index.js';
import { appendMessage } from '../chats/index.js';
import { ColonyError, coerceError } from '../errors/index.js';
import { type NewEvent, transact } from '../events/index.js';
import type { Schema } from '../storage/index.js';
import { resumeTask } from '../tasks/index.js';
import { spentBudget } from '../usage/index.js';
import { assembleRunContext, runModelStep } from './model-step.js';
import { runEvent } from './run-events.js';
import {
  addUsage,
  type LimitBreach,
  limitError,
  limitEvent,
  passedLimit,
  reachedLimit,
} from './run-limits.js';
import { isModelStep, isToolStep, loadRun, loadSteps } from './run-store.js';
import { type AssembledContext, type Run, type RuntimeServices, terminalRunStatuses } from './run-types.js';
import { advanceToolCall } from './tool-step.js';

export type RunOutcome = { kind: 'finished'; status: Run['status'] } | { kind: 'waiting' };

/**
 * Executes (or resumes) a run from its persisted steps until it finishes or must wait for a
 * human. Safe to call again after a crash at any point: completed model calls and tool calls
 * are read back, never repeated.
 */
export async function executeRun(
  services: RuntimeServices,
  runId: string,
  signal: AbortSignal,
): Promise<RunOutcome> {
  let run = await loadRun(services.database.db, runId);
  if (terminalRunStatuses.includes(run.status)) return { kind: 'finished', status: run.status };
  const agent = await loadAgent(services.database.db, run.orgId, run.agentId, run.agentVersion, {
    includeDeleted: true,
  });
  const resolved = services.models.resolve(run.model);
  run = await markRunning(services, run);
  const maxSteps = agent.limits.maxSteps ?? services.runtime.maxRunSteps;
  // The run's counters as committed (steps of earlier executions included), then each new step's.
  let usage = run.usage;
  // Assembled at the first model call of this execution (memory retrieval, compaction check) and
  // reused by the later ones; its events are stored with the first step only.
  let context: AssembledContext | undefined;
  for (;;) {
    if (signal.aborted) throw coerceError(signal.reason);
    const steps = await loadSteps(services.database.db, run.id);
    const modelSteps = steps.filter(isModelStep);
    const last = modelSteps.at(-1);
    const passed = passedLimit(agent.limits, usage);
    if (passed) return failForLimit(services, run, passed);
    if (last && last.payload.toolCalls.length === 0) {
      return finishRun(services, run, 'succeeded', { text: last.payload.text }, agent);
    }
    if (last) {
      const byCall = new Map(steps.filter(isToolStep).map((step) => [step.toolCallId, step]));
      let next = steps.length;
      let waiting = false;
      for (const call of last.payload.toolCalls) {
        const state = await advanceToolCall(
          services,
          run,
          agent,
          call,
          byCall.get(call.toolCallId),
          () => next++,
          signal,
        );
        if (state === 'waiting') waiting = true;
      }
      if (waiting) {
        await markWaiting(services, run);
        return { kind: 'waiting' };
      }
    }
    if (modelSteps.length >= maxSteps) {
      return failForLimit(services, run, { limit: 'maxSteps', max: maxSteps, used: modelSteps.length });
    }
    const reached = reachedLimit(agent.limits, usage);
    if (reached) return failForLimit(services, run, reached);
    const budget = await spentBudget(services.database.db, {
      orgId: run.orgId,
      agentId: run.agentId,
      now: services.clock.now(),
    });
    if (budget) return failForLimit(services, run, budget);
    // Tool calls just advanced append their results: read them back; otherwise nothing changed.
    const current = last ? await loadSteps(services.database.db, run.id) : steps;
    const assembled = context ?? (await assembleRunContext(services, run, agent));
    const step = await runModelStep(services, run, agent, resolved, assembled, current, signal);
    usage = addUsage(usage, step.payload.usage, step.costUsd);
    context = { system: assembled.system, messages: assembled.messages };
  }
}

/** Ends the run as failed with `quota_exceeded` naming the limit, and a `run-limit-exceeded` event. */
function failForLimit(services: RuntimeServices, run: Run, breach: LimitBreach): Promise<RunOutcome> {
  return finishRun(services, run, 'failed', { error: limitError(breach), events: [limitEvent(run, breach)] });
}

async function markRunning(services: RuntimeServices, run: Run): Promise<Run> {
  if (run.status === 'running') return run;
  const now = services.clock.now();
  const type = run.startedAt === null ? 'run-started' : 'run-resumed';
  await transact(services, async (transaction, outbox) => {
    await transaction
      .updateTable('run')
      .set({ status: 'running', started_at: run.startedAt ?? now, updated_at: now })
      .where('id', '=', run.id)
      .where('status', 'in', ['queued', 'waiting'])
      .execute();
    await outbox.emit(runEvent(run, type, { model: run.model, offline: run.offline }));
  });
  return { ...run, status: 'running', startedAt: run.startedAt ?? now };
}

async function markWaiting(services: RuntimeServices, run: Run): Promise<void> {
  await transact(services, async (transaction, outbox) => {
    await transaction
      .updateTable('run')
      .set({ status: 'waiting', updated_at: services.clock.now() })
      .where('id', '=', run.id)
      .where('status', '=', 'running')
      .execute();
    await outbox.emit(
      runEvent(run, 'run-waiting', { reason: 'tool calls are waiting for an approval or a result' }),
    );
  });
}

/**
 * Ends a run: on success the final answer becomes an assistant message in the chat, in the same
 * transaction as the status change. Finishing twice is a no-op.
 */
export async function finishRun(
  services: RuntimeServices,
  run: Run,
  status: 'succeeded' | 'failed' | 'canceled',
  outcome: { text?: string; error?: string; events?: NewEvent[] },
  agent?: Agent,
): Promise<RunOutcome> {
  const now = services.clock.now();
  await transact(services, async (transaction, outbox) => {
    const updated = await transaction
      .updateTable('run')
      .set({ status, error: outcome.error ?? null, finished_at: now, updated_at: now })
      .where('id', '=', run.id)
      .where('status', 'not in', [...terminalRunStatuses])
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return;
    const events: NewEvent[] = [...(outcome.events ?? [])];
    if (status === 'succeeded') {
      const message = await appendMessage({ transaction, outbox }, services, {
        orgId: run.orgId,
        chatId: run.chatId,
        role: 'assistant',
        authorKind: 'agent',
        authorId: run.agentId,
        content: outcome.text ?? '',
        runId: run.id,
      });
      events.push(
        runEvent(
          run,
          'message-created',
          { role: 'assistant', seq: message.seq, content: message.content, messageId: message.id },
          message.id,
        ),
      );
    }
    events.push(runEvent(run, `run-${status}`, outcome.error ? { error: outcome.error } : {}));
    if (agent && services.runHooks.afterFinish)
      await services.runHooks.afterFinish(transaction, run, agent, status);
    await resumeParentTask(services, transaction, run);
    // Row locks first, the event-sequence lock last: the lock order every transaction follows.
    await outbox.emit(...events);
  });
  return { kind: 'finished', status };
}

/** Marks a run failed after its task gave up; keeps the error for the caller. */
export async function failRun(services: RuntimeServices, runId: string, thrown: unknown): Promise<void> {
  const run = await loadRun(services.database.db, runId);
  const error =
    thrown instanceof ColonyError ? `${thrown.code}: ${thrown.message}` : coerceError(thrown).message;
  await finishRun(services, run, 'failed', { error });
}

/** A run started by a waiting task (a delegating run, a mission task) wakes that task when it ends. */
export async function resumeParentTask(
  services: RuntimeServices,
  transaction: Transaction<Schema>,
  run: Run,
): Promise<void> {
  if (!run.taskId) return;
  const task = await transaction
    .selectFrom('task')
    .select('parent_id')
    .where('id', '=', run.taskId)
    .executeTakeFirst();
  if (task?.parent_id) await resumeTask(services, task.parent_id, transaction);
}
