export { aggregateReport, offlineReport } from './aggregator.js';
export { approveCheckpoints } from './checkpoints.js';
export {
  type CandidateScore,
  decideRoute,
  defaultRoutingWeights,
  type GateDecision,
  type GateOptions,
  type RoutingCandidate,
  type RoutingWeights,
  scoreCandidates,
} from './expert-gate.js';
export { createOrchestrationHandlers } from './handlers.js';
export { missionEndEvents, readMissionEvents } from './mission-store.js';
export {
  type CreateMissionInput,
  createMissionInput,
  type Mission,
  type MissionBoard,
  type MissionState,
  type MissionTask,
  missionStates,
  terminalMissionStates,
} from './mission-types.js';
export {
  createMission,
  getMission,
  listMissions,
  type OrchestrationContext,
  stopMission,
  stopOrg,
} from './missions.js';
export { offlinePlan } from './offline-planner.js';
export { maxPlanTasks, type Plan, type PlannedTask, planSchema, validatePlan } from './plan.js';
export { planMission } from './planner.js';
export {
  type DecisionRef,
  listRoutingDecisions,
  loadCandidates,
  logDecision,
  type RoutingDecision,
  recordOutcome,
} from './routing-store.js';
export {
  missionDeadlineKind,
  missionKind,
  missionTaskKind,
  type OrchestrationServices,
} from './services.js';
export { offlineVerdict, verifyAnswer } from './verifier.js';
export { vote } from './voting.js';
