import { Cron } from 'croner';
import type { Kysely } from 'kysely';
import { invalidInput } from '../errors/index.js';
import type { Row, Schema } from '../storage/index.js';
import { parseJson, toJson } from '../storage/index.js';
import type { TaskServices } from './enqueue-task.js';

export interface ScheduledJob {
  id: string;
  orgId: string;
  name: string;
  cron: string;
  /** A fixed interval in ms instead of `cron` (then empty). */
  intervalMs: number | null;
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
  cron?: string | undefined;
  /** Instead of `cron`: fire every this many ms (the first time one interval from now). */
  intervalMs?: number | null | undefined;
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
    intervalMs: row.interval_ms === null ? null : Number(row.interval_ms),
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

/**
 * The next time a job fires strictly after `after`: its cron pattern's next match, or for a fixed
 * interval the next slot `from + k × interval` after `after` (missed slots are not fired one by one).
 */
export function nextJobRun(
  job: { cron: string; intervalMs: number | null; timezone: string | null },
  from: number,
  after: number,
): number | null {
  if (job.intervalMs !== null && job.intervalMs > 0) {
    const slots = Math.max(1, Math.floor((after - from) / job.intervalMs) + 1);
    return from + slots * job.intervalMs;
  }
  return nextCronRun(job.cron, job.timezone, after);
}

/**
 * Creates or replaces the org's schedule `name`; the next run is computed from now. Pass the
 * caller's transaction as `executor` to commit the job with the change that made it.
 */
export async function scheduleJob(
  services: TaskServices,
  input: ScheduleJobInput,
  executor: Kysely<Schema> = services.database.db,
): Promise<ScheduledJob> {
  if (!input.name) throw invalidInput('name', 'required');
  if (!input.taskKind) throw invalidInput('taskKind', 'required');
  const intervalMs = input.intervalMs ?? null;
  if ((input.cron ? 1 : 0) + (intervalMs !== null ? 1 : 0) !== 1) {
    throw invalidInput('cron', 'give either a cron pattern or an interval');
  }
  const now = services.clock.now();
  const enabled = input.enabled ?? true;
  const cron = input.cron ?? '';
  const nextRunAt = nextJobRun({ cron, intervalMs, timezone: input.timezone ?? null }, now, now);
  const values = {
    cron,
    interval_ms: intervalMs,
    timezone: input.timezone ?? null,
    task_kind: input.taskKind,
    payload: toJson(input.payload ?? null),
    enabled: enabled ? 1 : 0,
    next_run_at: nextRunAt,
    updated_at: now,
  };
  const row = await executor
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
  executor: Kysely<Schema> = services.database.db,
): Promise<boolean> {
  const result = await executor
    .deleteFrom('scheduled_job')
    .where('org_id', '=', orgId)
    .where('name', '=', name)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export { toScheduledJob };
