import { z } from 'zod';
import { createChat, postMessage } from '../chats/index.js';
import { systemActor } from '../context/index.js';
import { ColonyError } from '../errors/index.js';
import { transact } from '../events/index.js';
import { createMission, type OrchestrationServices } from '../orchestration/index.js';
import { defineTaskHandler, permanentError, recordEffect, type TaskHandler } from '../tasks/index.js';
import { startWorkflowRun } from '../workflows/index.js';
import { loadSchedule, type ScheduleContext, scheduleFireKind } from './schedules.js';

const firePayload = z.object({ scheduleId: z.string().min(1) });

/** Errors no retry can fix: the agent, chat or schedule is gone, or the target became invalid. */
function permanentIfFinal(error: unknown): unknown {
  if (error instanceof ColonyError && ['not_found', 'invalid_input', 'forbidden'].includes(error.code)) {
    return permanentError(error);
  }
  return error;
}

/**
 * The handler of `schedule-fire` tasks, which the scheduler leader enqueues once per slot. The
 * firing — a chat turn (a new chat, or the schedule's own), a mission or a workflow run — commits in one
 * transaction with a `task_effect` row, so a firing retried after a crash never starts twice.
 */
export function createScheduleHandlers(services: OrchestrationServices): Record<string, TaskHandler> {
  return {
    [scheduleFireKind]: defineTaskHandler(firePayload, async (run, { scheduleId }) => {
      const orgId = run.task.orgId;
      const schedule = await loadSchedule(services.database.db, orgId, scheduleId).catch(() => null);
      if (!schedule) return { skipped: 'the schedule was deleted before this firing ran' };
      const slot = Number(run.task.idempotencyKey?.split(':').at(-1) ?? run.task.createdAt);
      const actor = systemActor(orgId, `schedule:${schedule.id}`);
      try {
        return await transact(services, async (transaction, outbox) => {
          if (!(await recordEffect(services, run.task.id, 'fire', transaction))) {
            return { repeated: 'this firing already ran (its task was retried after it committed)' };
          }
          const context: ScheduleContext = {
            services,
            actor,
            signal: run.signal,
            unitOfWork: { transaction, outbox },
          };
          const { target } = schedule;
          if (target.kind === 'agent') {
            const chatId =
              target.chatId ??
              (
                await createChat(context, {
                  agent: target.agent,
                  title: `${schedule.name} · ${new Date(slot).toISOString()}`,
                })
              ).id;
            const posted = await postMessage(context, chatId, { content: target.prompt });
            return { chatId, runId: posted.run.id };
          }
          if (target.kind === 'workflow') {
            const run = await startWorkflowRun(context, {
              workflow: target.workflow,
              ...(target.input !== undefined ? { input: target.input } : {}),
            });
            return { workflowRunId: run.id };
          }
          const { kind: _kind, ...mission } = target;
          return { missionId: (await createMission(context, mission)).id };
        });
      } catch (error) {
        throw permanentIfFinal(error);
      }
    }),
  };
}
