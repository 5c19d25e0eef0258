export { createWorkflowHandlers } from './run-handler.js';
export { createWorkflowCancelHook } from './workflow-runs.js';
