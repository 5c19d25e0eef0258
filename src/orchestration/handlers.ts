import { defineTaskHandler, type TaskHandler } from '../tasks/index.js';
import { createGoalManager } from './goal-manager.js';
import { createMissionTaskHandler } from './mission-task-handler.js';
import { haltMission } from './mission-work.js';
import {
  missionDeadlineKind,
  missionKind,
  missionPayload,
  missionTaskKind,
  type OrchestrationServices,
} from './services.js';

/**
 * The task handlers of missions, by kind: register them in the worker pool
 * (`createColony` does).
 *
 * @example
 * createWorkerPool(services, { handlers: { ...createOrchestrationHandlers(services) }, concurrency: 4 });
 */
export function createOrchestrationHandlers(services: OrchestrationServices): Record<string, TaskHandler> {
  return {
    [missionKind]: createGoalManager(services),
    [missionTaskKind]: createMissionTaskHandler(services),
    [missionDeadlineKind]: defineTaskHandler(missionPayload, async (_context, { missionId }) => {
      const halted = await haltMission(services, missionId, { state: 'failed', reason: 'deadline passed' });
      return { halted };
    }),
  };
}
