export { approveCheckpoints } from './checkpoints.js';
export { decideRoute, scoreCandidates } from './expert-gate.js';
export { createOrchestrationHandlers } from './handlers.js';
export { missionEndEvents } from './mission-store.js';
export { createMissionInput, type Mission, type MissionBoard, missionStates } from './mission-types.js';
export {
  createMission,
  getMission,
  listMissions,
  type OrchestrationContext,
  stopMission,
  stopOrg,
} from './missions.js';
export { listRoutingDecisions, loadCandidates, logDecision, recordOutcome } from './routing-store.js';
export type { OrchestrationServices } from './services.js';
