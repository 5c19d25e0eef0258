export {
  type AgentTaskContext,
  type AgentTaskInput,
  type AgentTaskResult,
  type AgentTaskRun,
  agentTaskResult,
  startAgentTask,
} from './agent-task.js';
export {
  type ApprovalInput,
  approvalInput,
  cancelRun,
  decideApproval,
  type RunResumer,
} from './approvals.js';
export { executeRun, failRun, finishRun, type RunOutcome } from './execute-run.js';
export { budgetedWindow, estimateTokens, recentWindow, stepsToMessages } from './prompt.js';
export { getRun } from './queries.js';
export {
  agentRunKind,
  agentRunPayload,
  chatConcurrencyKey,
  createAgentRunHandler,
  createRunCancelHook,
  createRunResumer,
  createRunScheduler,
} from './run-engine.js';
export { loadRun, loadSteps } from './run-store.js';
export type {
  AssembledContext,
  Run,
  RunHooks,
  RunStatus,
  RunStep,
  RuntimeContext,
  RuntimeServices,
  RuntimeSettings,
} from './run-types.js';
