import { invalidInput, notFound } from '../errors/index.js';
import type { TaskServices } from './enqueue-task.js';
import { toTaskRecord } from './task-record.js';
import { type TaskRecord, type TaskStatus, taskStatuses } from './types.js';

/** A task by id; `orgId` scopes the lookup (another org's task is not found). */
export async function getTask(
  services: Pick<TaskServices, 'database'>,
  taskId: string,
  options: { orgId?: string } = {},
): Promise<TaskRecord> {
  let query = services.database.db.selectFrom('task').selectAll().where('id', '=', taskId);
  if (options.orgId !== undefined) query = query.where('org_id', '=', options.orgId);
  const row = await query.executeTakeFirst();
  if (!row) throw notFound('task', taskId);
  return toTaskRecord(row);
}

export interface ListTasksOptions {
  orgId: string;
  status?: TaskStatus | readonly TaskStatus[];
  kind?: string;
  parentId?: string;
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string | null;
}

/** An org's tasks, newest first, by keyset pagination over the id. */
export async function listTasks(
  services: Pick<TaskServices, 'database'>,
  options: ListTasksOptions,
): Promise<{ tasks: TaskRecord[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
  let query = services.database.db.selectFrom('task').selectAll().where('org_id', '=', options.orgId);
  if (options.status !== undefined) {
    const statuses: readonly string[] =
      typeof options.status === 'string' ? [options.status] : options.status;
    for (const status of statuses) {
      if (!(taskStatuses as readonly string[]).includes(status))
        throw invalidInput('status', `unknown status ${status}`);
    }
    query = query.where('status', 'in', [...statuses]);
  }
  if (options.kind !== undefined) query = query.where('kind', '=', options.kind);
  if (options.parentId !== undefined) query = query.where('parent_id', '=', options.parentId);
  if (options.cursor) query = query.where('id', '<', options.cursor);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { tasks: page.map(toTaskRecord), nextCursor: rows.length > limit && last ? last.id : null };
}
