export { createBuiltinTaskHandlers } from './builtin-handlers.js';
export { type CancelHook, onTasksCanceled } from './cancel-hooks.js';
export { cancelTask, cancelTaskTree } from './cancel-task.js';
export { defineTaskHandler } from './define-task-handler.js';
export { recordEffect } from './effects.js';
export { enqueueTask, enqueueTasks } from './enqueue-task.js';
export { resumeTask } from './resume-task.js';
export { isRetryable, permanentError } from './retry-policy.js';
export { nextJobRun, scheduleJob, unscheduleJob } from './scheduled-jobs.js';
export { createScheduler, type Scheduler } from './scheduler.js';
export {
  cancelOrgTask,
  getTaskDetail,
  listOrgTasks,
  type SubmitTaskInput,
  submitTask,
  submitTaskInput,
  type TaskDetail,
} from './task-api.js';
export {
  type TaskHandler,
  type TaskRecord,
  type TaskRunContext,
  type TaskStatus,
  taskStatuses,
  type WorkerPool,
  type WorkerPoolOptions,
} from './types.js';
export { waitForTask } from './wait-for-task.js';
export { createWorkerPool } from './worker-pool.js';
