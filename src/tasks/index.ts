export {
  type ApiTaskKind,
  apiTaskKinds,
  createBuiltinTaskHandlers,
  isApiTaskKind,
  maxSleepMs,
} from './builtin-handlers.js';
export { type CancelHook, onTasksCanceled } from './cancel-hooks.js';
export { cancelTask, cancelTaskTree } from './cancel-task.js';
export { defineTaskHandler } from './define-task-handler.js';
export { recordEffect } from './effects.js';
export { enqueueTask, enqueueTasks, type TaskServices } from './enqueue-task.js';
export { acquireLeadership, releaseLeadership } from './leader-lease.js';
export {
  type ReclaimDeadLocalWorkersOptions,
  reclaimDeadLocalWorkers,
} from './reclaim-dead-workers.js';
export { reclaimExpired } from './reclaim-expired.js';
export { resumeTask } from './resume-task.js';
export { isRetryable, permanentError, retryDelay } from './retry-policy.js';
export {
  listScheduledJobs,
  nextCronRun,
  type ScheduledJob,
  type ScheduleJobInput,
  scheduleJob,
  unscheduleJob,
} from './scheduled-jobs.js';
export { createScheduler, type Scheduler, type SchedulerOptions } from './scheduler.js';
export {
  cancelOrgTask,
  getTaskDetail,
  listOrgTasks,
  type SubmitTaskInput,
  submitTask,
  submitTaskInput,
  type TaskAttemptView,
  type TaskDetail,
  type TaskListQuery,
} from './task-api.js';
export { getTask, type ListTasksOptions, listTasks } from './task-queries.js';
export { toTaskRecord } from './task-record.js';
export {
  type DependencyFailurePolicy,
  type EnqueueTaskInput,
  type SuspendSignal,
  type TaskExecutor,
  type TaskHandler,
  type TaskRecord,
  type TaskRunContext,
  type TaskStatus,
  taskStatuses,
  terminalStatuses,
  unfinishedStatuses,
  type WorkerPool,
  type WorkerPoolOptions,
} from './types.js';
export { waitForTask } from './wait-for-task.js';
export { createWorkerPool } from './worker-pool.js';
