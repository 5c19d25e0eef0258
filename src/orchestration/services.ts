import type { RunScheduler } from '../chats/index.js';
import type { RunResumer, RuntimeServices } from '../runtime/index.js';

/** What orchestration needs: the runtime (models, tools, runs) and the run scheduler/resumer. */
export interface OrchestrationServices extends RuntimeServices {
  runs: RunScheduler;
  runResumer: RunResumer;
}

/** Task kinds registered by `createOrchestrationHandlers`. */
export const missionKind = 'mission';
export const missionTaskKind = 'mission-task';
export const missionDeadlineKind = 'mission-deadline';
