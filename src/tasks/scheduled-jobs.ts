import { Cron } from 'croner';
import { invalidInput } from '../errors/index.js';
import type { Row } from '../storage/index.js';
import { parseJson, toJson } from '../storage/index.js';
import type { TaskServices } from './enqueue-task.js';

export interface ScheduledJob {
  id: string;
  orgId: string;
  name: string;
  cron: string;
  timezone: string | null;
  taskKind: string;
  payload: unknown;
  enabled: boolean;
  nextRunAt: number | null;
  lastRunAt: number | null;
}

export interface ScheduleJobInput {
  orgId: string;
  /** Unique per org: scheduling the same name again replaces the schedule. */
  name: string;
  /** A croner pattern: 5 or 6 fields (`0 * * * *` ), or a nickname such as `@hourly`. */
  cron: string;
  timezone?: string | null;
  taskKind: string;
  payload?: unknown;
  enabled?: boolean;
}

function toScheduledJob(row: Row<'scheduled_job'>): ScheduledJob {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    cron: row.cron,
    timezone: row.timezone,
    taskKind: row.task_kind,
    payload: parseJson<unknown>(row.payload, null),
    enabled: Boolean(row.enabled),
    nextRunAt: row.next_run_at === null ? null : Number(row.next_run_at),
    lastRunAt: row.last_run_at === null ? null : Number(row.last_run_at),
  };
}

/** The first time the pattern matches strictly after `after` (epoch ms), or null if never again. */
export function nextCronRun(pattern: string, timezone: string | null, after: number): number | null {
  let cron: Cron;
  try {
    cron = new Cron(pattern, { paused: true, ...(timezone ? { timezone } : {}) });
  } catch (error) {
    throw invalidInput('cron', error instanceof Error ? error.message : String(error));
  }
  const next = cron.nextRun(new Date(after));
  cron.stop();
  return next ? next.getTime() : null;
}

/** Creates or replaces the org's schedule `name`; the next run is computed from now. */
export async function scheduleJob(services: TaskServices, input: ScheduleJobInput): Promise<ScheduledJob> {
  if (!input.name) throw invalidInput('name', 'required');
  if (!input.taskKind) throw invalidInput('taskKind', 'required');
  const now = services.clock.now();
  const enabled = input.enabled ?? true;
  const nextRunAt = nextCronRun(input.cron, input.timezone ?? null, now);
  const values = {
    cron: input.cron,
    timezone: input.timezone ?? null,
    task_kind: input.taskKind,
    payload: toJson(input.payload ?? null),
    enabled: enabled ? 1 : 0,
    next_run_at: nextRunAt,
    updated_at: now,
  };
  const row = await services.database.db
    .insertInto('scheduled_job')
    .values({
      id: services.ids.next('job'),
      org_id: input.orgId,
      name: input.name,
      created_at: now,
      last_run_at: null,
      ...values,
    })
    .onConflict((conflict) => conflict.columns(['org_id', 'name']).doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toScheduledJob(row);
}

export async function listScheduledJobs(
  services: Pick<TaskServices, 'database'>,
  orgId: string,
): Promise<ScheduledJob[]> {
  const rows = await services.database.db
    .selectFrom('scheduled_job')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('name')
    .execute();
  return rows.map(toScheduledJob);
}

/** Removes a schedule; returns whether it existed. */
export async function unscheduleJob(
  services: Pick<TaskServices, 'database'>,
  orgId: string,
  name: string,
): Promise<boolean> {
  const result = await services.database.db
    .deleteFrom('scheduled_job')
    .where('org_id', '=', orgId)
    .where('name', '=', name)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export { toScheduledJob };
