import { z } from 'zod';
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

/** The payloads of those kinds: checked before a handler runs (`defineTaskHandler`). */
export const missionPayload = z.object({ missionId: z.string() });
export const missionTaskPayload = z.object({ missionId: z.string(), missionTaskId: z.string() });
