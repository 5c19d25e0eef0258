import type { Kysely } from 'kysely';
import { loadAgent } from '../agents/index.js';
import { loadChat } from '../chats/index.js';
import { type Context, inUnitOfWork, requireRole } from '../context/index.js';
import { ColonyError, fromZodError, invalidInput, notFound } from '../errors/index.js';
import { recordAudit } from '../identity/index.js';
import { loadCandidates, type OrchestrationContext } from '../orchestration/index.js';
import { parseJson, type Row, type Schema, toJson } from '../storage/index.js';
import { nextJobRun, scheduleJob, unscheduleJob } from '../tasks/index.js';
import { getWorkflow } from '../workflows/index.js';
import {
  type CreateScheduleInput,
  createScheduleInput,
  type ScheduleTarget,
  type UpdateScheduleInput,
  updateScheduleInput,
} from './schedule-schema.js';

/** What schedules need: a mission's and a chat turn's services (they start both). */
export type ScheduleContext = OrchestrationContext;

/** The task kind a schedule's job enqueues at each firing (see schedule-fire.ts). */
export const scheduleFireKind = 'schedule-fire';

export interface Schedule {
  id: string;
  orgId: string;
  name: string;
  description: string;
  cron: string | null;
  intervalMs: number | null;
  timezone: string | null;
  target: ScheduleTarget;
  enabled: boolean;
  /** When it fires next (null while paused, or when the pattern never matches again). */
  nextRunAt: number | null;
  lastRunAt: number | null;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

type JoinedRow = Row<'schedule'> & {
  enabled: number;
  next_run_at: number | null;
  last_run_at: number | null;
};

function toSchedule(row: JoinedRow): Schedule {
  const enabled = Boolean(row.enabled);
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    description: row.description,
    cron: row.cron,
    intervalMs: row.interval_ms === null ? null : Number(row.interval_ms),
    timezone: row.timezone,
    target: parseJson<ScheduleTarget>(row.target, { kind: 'agent', agent: '', prompt: '' }),
    enabled,
    nextRunAt: enabled && row.next_run_at !== null ? Number(row.next_run_at) : null,
    lastRunAt: row.last_run_at === null ? null : Number(row.last_run_at),
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function selectSchedules(executor: Kysely<Schema>, orgId: string) {
  return executor
    .selectFrom('schedule')
    .innerJoin('scheduled_job', 'scheduled_job.id', 'schedule.job_id')
    .selectAll('schedule')
    .select(['scheduled_job.enabled', 'scheduled_job.next_run_at', 'scheduled_job.last_run_at'])
    .where('schedule.org_id', '=', orgId);
}

/** A schedule of the org by id or name. */
export async function loadSchedule(
  executor: Kysely<Schema>,
  orgId: string,
  idOrName: string,
): Promise<Schedule> {
  const row = await selectSchedules(executor, orgId)
    .where((builder) =>
      builder.or([builder('schedule.id', '=', idOrName), builder('schedule.name', '=', idOrName)]),
    )
    .executeTakeFirst();
  if (!row) throw notFound('schedule', idOrName);
  return toSchedule(row);
}

/** The target must name things of the caller's org that exist now (they are checked again at each firing). */
async function checkTarget(
  executor: Kysely<Schema>,
  context: ScheduleContext,
  target: ScheduleTarget,
): Promise<void> {
  const { orgId } = context.actor;
  if (target.kind === 'agent') {
    await loadAgent(executor, orgId, target.agent).catch(() => {
      throw invalidInput('target.agent', `no agent "${target.agent}" in this org`);
    });
    if (target.chatId !== undefined) {
      await loadChat(executor, orgId, target.chatId).catch(() => {
        throw invalidInput('target.chatId', `no chat ${target.chatId} in this org`);
      });
    }
    return;
  }
  if (target.kind === 'workflow') {
    await getWorkflow(context, target.workflow).catch(() => {
      throw invalidInput('target.workflow', `no workflow "${target.workflow}" in this org`);
    });
    return;
  }
  if (target.model !== undefined && !context.services.models.isKnown(target.model)) {
    throw invalidInput('target.model', `unknown or unconfigured model "${target.model}"`);
  }
  await loadCandidates(context.services, orgId, target.agents);
}

const jobName = (scheduleId: string) => `schedule:${scheduleId}`;

/**
 * Creates a schedule: on a cron pattern (in a time zone) or a fixed interval, run an agent with a
 * prompt or start a mission. Member or above; fired once per slot by the scheduler leader.
 *
 * @example createSchedule(context, { name: 'digest', cron: '0 8 * * 1-5', timezone: 'Europe/Berlin',
 *   target: { kind: 'agent', agent: 'writer', prompt: 'Summarise yesterday' } })
 */
export async function createSchedule(
  context: ScheduleContext,
  input: CreateScheduleInput,
): Promise<Schedule> {
  requireRole(context.actor, 'member');
  const parsed = createScheduleInput.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  const data = parsed.data;
  if ((data.cron === undefined) === (data.intervalMs === undefined)) {
    throw invalidInput('cron', 'give exactly one of cron and intervalMs');
  }
  const { services, actor } = context;
  return inUnitOfWork(context, async ({ transaction }) => {
    await checkTarget(transaction, context, data.target);
    const taken = await transaction
      .selectFrom('schedule')
      .select('id')
      .where('org_id', '=', actor.orgId)
      .where('name', '=', data.name)
      .executeTakeFirst();
    if (taken) {
      throw new ColonyError('conflict', `a schedule named "${data.name}" exists`, {
        fields: [{ path: 'name', message: 'already taken' }],
      });
    }
    const id = services.ids.next('sch');
    const job = await scheduleJob(
      services,
      {
        orgId: actor.orgId,
        name: jobName(id),
        cron: data.cron,
        intervalMs: data.intervalMs ?? null,
        timezone: data.timezone ?? null,
        taskKind: scheduleFireKind,
        payload: { scheduleId: id },
        enabled: data.enabled,
      },
      transaction,
    );
    const now = services.clock.now();
    await transaction
      .insertInto('schedule')
      .values({
        id,
        org_id: actor.orgId,
        name: data.name,
        description: data.description,
        cron: data.cron ?? null,
        interval_ms: data.intervalMs ?? null,
        timezone: data.timezone ?? null,
        target: toJson(data.target),
        job_id: job.id,
        created_by: actor.id,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await recordAudit(transaction, services, actor, {
      action: 'schedule.create',
      resourceType: 'schedule',
      resourceId: id,
      details: { name: data.name },
    });
    return loadSchedule(transaction, actor.orgId, id);
  });
}

/** Changes a schedule; `enabled: false` pauses it, `enabled: true` resumes it from now. */
export async function updateSchedule(
  context: ScheduleContext,
  idOrName: string,
  input: UpdateScheduleInput,
): Promise<Schedule> {
  requireRole(context.actor, 'member');
  const parsed = updateScheduleInput.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  const change = parsed.data;
  if (change.cron !== undefined && change.intervalMs !== undefined) {
    throw invalidInput('cron', 'give at most one of cron and intervalMs');
  }
  const { services, actor } = context;
  return inUnitOfWork(context, async ({ transaction }) => {
    const current = await loadSchedule(transaction, actor.orgId, idOrName);
    if (change.target) await checkTarget(transaction, context, change.target);
    const cron = change.intervalMs !== undefined ? null : (change.cron ?? current.cron);
    const intervalMs = change.cron !== undefined ? null : (change.intervalMs ?? current.intervalMs);
    const timezone = change.timezone === undefined ? current.timezone : change.timezone;
    const enabled = change.enabled ?? current.enabled;
    // Re-create the job: a new timing or a resume counts from now.
    await scheduleJob(
      services,
      {
        orgId: actor.orgId,
        name: jobName(current.id),
        cron: cron ?? undefined,
        intervalMs,
        timezone,
        taskKind: scheduleFireKind,
        payload: { scheduleId: current.id },
        enabled,
      },
      transaction,
    );
    await transaction
      .updateTable('schedule')
      .set({
        description: change.description ?? current.description,
        cron,
        interval_ms: intervalMs,
        timezone,
        target: toJson(change.target ?? current.target),
        updated_at: services.clock.now(),
      })
      .where('id', '=', current.id)
      .execute();
    const action =
      change.enabled === false
        ? 'schedule.pause'
        : change.enabled === true
          ? 'schedule.resume'
          : 'schedule.update';
    await recordAudit(transaction, services, actor, {
      action,
      resourceType: 'schedule',
      resourceId: current.id,
    });
    return loadSchedule(transaction, actor.orgId, current.id);
  });
}

/** Deletes a schedule; firings already queued still run (cancel them with their task). */
export async function deleteSchedule(context: Context, idOrName: string): Promise<Schedule> {
  requireRole(context.actor, 'member');
  const { services, actor } = context;
  return inUnitOfWork(context, async ({ transaction }) => {
    const current = await loadSchedule(transaction, actor.orgId, idOrName);
    await unscheduleJob(services, actor.orgId, jobName(current.id), transaction);
    await transaction.deleteFrom('schedule').where('id', '=', current.id).execute();
    await recordAudit(transaction, services, actor, {
      action: 'schedule.delete',
      resourceType: 'schedule',
      resourceId: current.id,
    });
    return { ...current, enabled: false, nextRunAt: null };
  });
}

export async function listSchedules(context: Context): Promise<Schedule[]> {
  requireRole(context.actor, 'viewer');
  const rows = await selectSchedules(context.services.database.db, context.actor.orgId)
    .orderBy('schedule.name')
    .execute();
  return rows.map(toSchedule);
}

export interface ScheduleFiring {
  /** The slot it fired for. */
  scheduledAt: number;
  taskId: string;
  status: string;
  /** What the firing started: `{ chatId, runId }` or `{ missionId }`, once it ran. */
  result: unknown;
  error: string | null;
}

/** A schedule with its next run times (up to `upcoming`) and its last firings, newest first. */
export async function getSchedule(
  context: Context,
  idOrName: string,
  options: { upcoming?: number; history?: number } = {},
): Promise<Schedule & { upcoming: number[]; history: ScheduleFiring[] }> {
  requireRole(context.actor, 'viewer');
  const { db } = context.services.database;
  const schedule = await loadSchedule(db, context.actor.orgId, idOrName);
  const upcoming: number[] = [];
  let next = schedule.nextRunAt;
  const job = { cron: schedule.cron ?? '', intervalMs: schedule.intervalMs, timezone: schedule.timezone };
  const from = next ?? 0;
  while (next !== null && upcoming.length < (options.upcoming ?? 5)) {
    upcoming.push(next);
    next = nextJobRun(job, from, next);
  }
  const jobRow = await db
    .selectFrom('schedule')
    .select('job_id')
    .where('id', '=', schedule.id)
    .executeTakeFirstOrThrow();
  const prefix = `cron:${jobRow.job_id}:`;
  const tasks = await db
    .selectFrom('task')
    .select(['id', 'status', 'idempotency_key', 'result', 'last_error'])
    .where('org_id', '=', context.actor.orgId)
    .where('kind', '=', scheduleFireKind)
    .where('idempotency_key', 'like', `${prefix}%`)
    .orderBy('created_at', 'desc')
    .limit(options.history ?? 20)
    .execute();
  const history = tasks.map((task) => ({
    scheduledAt: Number((task.idempotency_key ?? '').slice(prefix.length)),
    taskId: task.id,
    status: task.status,
    result: parseJson<unknown>(task.result, null),
    error: task.last_error,
  }));
  return { ...schedule, upcoming, history };
}
