export { type AgentTaskResult, agentTaskResult, startAgentTask } from './agent-task.js';
export { approvalExpiryKind, createApprovalExpiryHandler } from './approval-expiry.js';
export {
  type ApprovalInput,
  approvalInput,
  cancelRun,
  decideApproval,
  type RunResumer,
} from './approvals.js';
export { budgetedWindow, recentWindow } from './prompt.js';
export { findActiveRun, getRun } from './queries.js';
export {
  agentRunKind,
  agentRunPayload,
  chatConcurrencyKey,
  createAgentRunHandler,
  createRunCancelHook,
  createRunResumer,
  createRunScheduler,
} from './run-engine.js';
export type { AssembledContext, Run, RunHooks, RunStep, RuntimeServices } from './run-types.js';
