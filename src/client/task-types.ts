import type { SubmitTaskInput, TaskDetail, TaskRecord, TaskStatus } from '../tasks/index.js';

/** A task as the API returns it (`GET /v1/tasks`). */
export type Task = TaskRecord;
export type { SubmitTaskInput, TaskDetail, TaskStatus };

export interface TaskListOptions {
  /** One status or several (sent comma-separated). */
  status?: TaskStatus | TaskStatus[] | undefined;
  kind?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

export interface TaskPage {
  tasks: Task[];
  nextCursor: string | null;
}
