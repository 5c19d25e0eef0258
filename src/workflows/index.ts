export { workflowJsonSchema } from './definition-schema.js';
export { createWorkflowHandlers } from './run-handler.js';
export type { WorkflowRun, WorkflowStepState } from './run-store.js';
export {
  cancelWorkflowRun,
  createWorkflowCancelHook,
  decideWorkflowApproval,
  decisionInput,
  getWorkflowRun,
  listWorkflowRuns,
  startRunInput,
  startWorkflowRun,
} from './workflow-runs.js';
export { applyWorkflow, deleteWorkflow, getWorkflow, listWorkflows, validateWorkflow } from './workflows.js';
