import { z } from 'zod';
import type { RunScheduler } from '../chats/index.js';
import { ColonyError, isColonyError } from '../errors/index.js';
import { prepareInsert } from '../storage/index.js';
import {
  type CancelHook,
  cancelTask,
  defineTaskHandler,
  enqueueTask,
  resumeTask,
  type TaskHandler,
} from '../tasks/index.js';
import { assertBudgetLeft } from '../usage/index.js';
import type { RunResumer } from './approvals.js';
import { executeRun, failRun } from './execute-run.js';
import type { RuntimeServices } from './run-types.js';

export const agentRunKind = 'agent-run';
/** The payload of an `agent-run` task. */
export const agentRunPayload = z.object({ runId: z.string() });
const runMaxAttempts = 5;

/** The chat's concurrency key: one run at a time per chat, in message order. */
export function chatConcurrencyKey(chatId: string): string {
  return `chat:${chatId}`;
}

/** Every accepted message inserts a run: prepared (storage/prepared.ts). */
const insertRun = prepareInsert('run', [
  'id',
  'org_id',
  'conversation_id',
  'agent_id',
  'agent_version',
  'trigger_message_id',
  'status',
  'model',
  'offline',
  'step_count',
  'input_tokens',
  'output_tokens',
  'cost_usd',
  'error',
  'task_id',
  'created_by',
  'created_at',
  'started_at',
  'finished_at',
  'updated_at',
]);

/**
 * Creates runs as durable tasks: the run row and its task are inserted in the caller's
 * transaction (with the message that triggered them), then a worker is woken after commit.
 */
export function createRunScheduler(services: RuntimeServices, wake: () => void): RunScheduler {
  return {
    async createRun(transaction, input) {
      const spec = input.agentModel ?? services.models.defaultModelSpec();
      const resolved = services.models.resolve(spec);
      const now = services.clock.now();
      // A spent monthly budget refuses the run, and so the request that would start it (429).
      await assertBudgetLeft(transaction, { orgId: input.orgId, agentId: input.agentId, now });
      const runId = services.ids.next('run');
      const taskId = services.ids.next('tsk');
      await insertRun(transaction, {
        id: runId,
        org_id: input.orgId,
        conversation_id: input.chatId,
        agent_id: input.agentId,
        agent_version: input.agentVersion,
        trigger_message_id: input.triggerMessageId,
        status: 'queued',
        model: resolved.spec,
        offline: resolved.offline ? 1 : 0,
        step_count: 0,
        input_tokens: 0,
        output_tokens: 0,
        cost_usd: 0,
        error: null,
        task_id: taskId,
        created_by: input.createdBy,
        created_at: now,
        started_at: null,
        finished_at: null,
        updated_at: now,
      });
      await enqueueTask(
        services,
        {
          id: taskId,
          orgId: input.orgId,
          kind: agentRunKind,
          payload: { runId },
          concurrencyKey: chatConcurrencyKey(input.chatId),
          maxAttempts: runMaxAttempts,
          parentId: input.parentTaskId ?? null,
        },
        transaction,
      );
      return { runId, status: 'queued', model: resolved.spec, offline: resolved.offline };
    },
    afterCommit: wake,
  };
}

/** Resumes a waiting run's task, or cancels it (which aborts a handler running it). */
export function createRunResumer(services: RuntimeServices, wake: () => void): RunResumer {
  return {
    async resume(run) {
      if (!run.taskId) throw new ColonyError('internal', `run ${run.id} has no task`);
      await resumeTask(services, run.taskId);
      wake();
    },
    async cancel(run, reason) {
      if (run.taskId) await cancelTask(services, run.taskId, reason);
    },
  };
}

/**
 * The task handler that executes agent runs. A run waiting for approval suspends its task (no
 * worker is held); a failure is retried from the last persisted step, and marks the run failed
 * when the task gives up.
 */
export function createAgentRunHandler(services: RuntimeServices): TaskHandler {
  return defineTaskHandler(agentRunPayload, async (context, { runId }) => {
    try {
      const outcome = await executeRun(services, runId, context.signal);
      if (outcome.kind === 'waiting') return context.suspend('waiting for tool-call approval');
      return { status: outcome.status };
    } catch (thrown) {
      const run = await services.database.db
        .selectFrom('run')
        .select('status')
        .where('id', '=', runId)
        .executeTakeFirst();
      if (run?.status === 'canceled') return { status: 'canceled' };
      const permanent =
        isColonyError(thrown) && ['invalid_input', 'not_found', 'forbidden'].includes(thrown.code);
      if (permanent || context.attempt >= context.task.maxAttempts) {
        if (!context.signal.aborted || permanent) await failRun(services, runId, thrown);
        if (permanent) return { status: 'failed' };
      }
      throw thrown;
    }
  });
}

/**
 * Runs mirror their tasks: when a task tree is canceled (a mission stop, a delegating run's
 * cancel, the org-wide stop), the runs of canceled agent-run tasks end as canceled in the same
 * transaction, with their events. createColony registers it (`onTasksCanceled`).
 */
export function createRunCancelHook(services: Pick<RuntimeServices, 'clock'>): CancelHook {
  return async (transaction, outbox, canceledTaskIds, reason) => {
    const now = services.clock.now();
    for (let start = 0; start < canceledTaskIds.length; start += 500) {
      const runs = await transaction
        .updateTable('run')
        .set({ status: 'canceled', error: reason, finished_at: now, updated_at: now })
        .where('task_id', 'in', canceledTaskIds.slice(start, start + 500))
        .where('status', 'not in', ['succeeded', 'failed', 'canceled'])
        .returning(['id', 'org_id', 'conversation_id'])
        .execute();
      for (const run of runs) {
        await outbox.emit({
          type: 'run-canceled',
          orgId: run.org_id,
          runId: run.id,
          conversationId: run.conversation_id,
          subjectId: run.id,
          payload: { reason },
        });
      }
    }
  };
}
