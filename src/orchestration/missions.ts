import { type Context, inUnitOfWork, requireRole } from '../context/index.js';
import { fromZodError, invalidInput } from '../errors/index.js';
import { transact } from '../events/index.js';
import { recordAudit } from '../identity/index.js';
import { cancelRun } from '../runtime/index.js';
import { toJson } from '../storage/index.js';
import { enqueueTask } from '../tasks/index.js';
import { loadBoard, loadMissionRow, missionEvent, progressOf, toMission } from './mission-store.js';
import {
  type CreateMissionInput,
  createMissionInput,
  type Mission,
  type MissionBoard,
  type MissionOptions,
  type MissionState,
  missionStates,
  terminalMissionStates,
} from './mission-types.js';
import { haltMission } from './mission-work.js';
import { loadCandidates } from './routing-store.js';
import { missionDeadlineKind, missionKind, type OrchestrationServices } from './services.js';

export type OrchestrationContext = Context<OrchestrationServices>;

/** Engine attempts of the goal manager (crashes and transient errors; it is replayed from its steps). */
const goalManagerAttempts = 5;

/**
 * Creates a mission (state `planning`) and its goal manager task; returns at once — the plan, the
 * tasks and the report follow on the task engine. Member or above.
 *
 * @example
 * const mission = await createMission(context, { goal: 'research X; compare with Y; write a summary' });
 */
export async function createMission(
  context: OrchestrationContext,
  input: CreateMissionInput,
): Promise<Mission> {
  requireRole(context.actor, 'member');
  const parsed = createMissionInput.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  const { services, actor } = context;
  const data = parsed.data;
  const model = data.model ?? services.models.defaultModelSpec();
  if (!services.models.isKnown(model))
    throw invalidInput('model', `unknown or unconfigured model "${model}"`);
  if (data.routing?.routerModel && !services.models.isKnown(data.routing.routerModel))
    throw invalidInput('routing.routerModel', `unknown or unconfigured model "${data.routing.routerModel}"`);
  if (data.deadlineAt !== undefined && data.deadlineAt <= services.clock.now())
    throw invalidInput('deadlineAt', 'must be in the future');
  await loadCandidates(services, actor.orgId, data.agents);
  const options: MissionOptions = {
    agents: data.agents ?? null,
    checkpoints: data.checkpoints ?? false,
    model,
    maxAttempts: data.maxAttempts ?? 3,
    errorThreshold: data.errorThreshold ?? 10,
    routing: {
      ...(data.routing?.weights ? { weights: data.routing.weights } : {}),
      ...(data.routing?.margin !== undefined ? { margin: data.routing.margin } : {}),
      ...(data.routing?.routerModel ? { routerModel: data.routing.routerModel } : {}),
    },
  };
  // Joins the caller's unit of work when there is one (a schedule firing starts its mission and
  // records that it did in one transaction).
  return inUnitOfWork(context, async ({ transaction, outbox }) => {
    const now = services.clock.now();
    const missionId = services.ids.next('msn');
    const taskId = services.ids.next('tsk');
    const row = {
      id: missionId,
      org_id: actor.orgId,
      goal: data.goal,
      state: 'planning',
      generation: 1,
      plan: toJson(null),
      options: toJson(options),
      budget: toJson(data.budget ?? {}),
      report: null,
      error: null,
      replans: 0,
      input_tokens: 0,
      output_tokens: 0,
      cost_usd: 0,
      task_id: taskId,
      deadline_at: data.deadlineAt ?? null,
      created_by: actor.id,
      created_at: now,
      updated_at: now,
      finished_at: null,
    };
    await transaction.insertInto('mission').values(row).execute();
    await enqueueTask(
      services,
      {
        id: taskId,
        orgId: actor.orgId,
        kind: missionKind,
        payload: { missionId },
        maxAttempts: goalManagerAttempts,
      },
      transaction,
    );
    if (data.deadlineAt !== undefined) {
      await enqueueTask(
        services,
        {
          orgId: actor.orgId,
          kind: missionDeadlineKind,
          payload: { missionId },
          runAt: data.deadlineAt,
          parentId: taskId,
        },
        transaction,
      );
    }
    await recordAudit(transaction, services, actor, {
      action: 'mission.create',
      resourceType: 'mission',
      resourceId: missionId,
    });
    await outbox.emit(missionEvent(row, 'mission-created', { goal: data.goal, model }));
    outbox.afterCommit(() => services.runs.afterCommit());
    return toMission(await loadMissionRow(transaction, missionId));
  });
}

/** The status board of a mission of the caller's org. Viewer or above. */
export async function getMission(context: OrchestrationContext, missionId: string): Promise<MissionBoard> {
  return loadBoard(context.services.database.db, missionId, context.actor.orgId);
}

/** The org's missions, newest first (keyset cursor on the id), optionally by state. */
export async function listMissions(
  context: OrchestrationContext,
  options: { state?: MissionState | undefined; limit?: number | undefined; cursor?: string | undefined } = {},
): Promise<{ missions: Mission[]; nextCursor: string | null }> {
  const db = context.services.database.db;
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
  if (options.state && !missionStates.includes(options.state)) throw invalidInput('state', 'unknown state');
  let query = db.selectFrom('mission').selectAll().where('org_id', '=', context.actor.orgId);
  if (options.state) query = query.where('state', '=', options.state);
  if (options.cursor) query = query.where('id', '<', options.cursor);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const tasks =
    page.length === 0
      ? []
      : await db
          .selectFrom('mission_task')
          .select(['mission_id', 'status', 'generation'])
          .where(
            'mission_id',
            'in',
            page.map((row) => row.id),
          )
          .execute();
  const missions = page.map((row) =>
    toMission(
      row,
      progressOf(
        row,
        tasks.filter((task) => task.mission_id === row.id),
      ),
    ),
  );
  return { missions, nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
}

/**
 * Emergency stop of one mission: state `canceled` with the reason, every outstanding task and run
 * canceled at once (handlers in this process abort immediately; others at their next heartbeat).
 * Member or above. Stopping a finished mission changes nothing.
 */
export async function stopMission(
  context: OrchestrationContext,
  missionId: string,
  input: { reason?: string | undefined } = {},
): Promise<MissionBoard> {
  requireRole(context.actor, 'member');
  const { services, actor } = context;
  await loadMissionRow(services.database.db, missionId, actor.orgId);
  const reason = input.reason ? `stopped: ${input.reason}` : `stopped by ${actor.id}`;
  await haltMission(services, missionId, { state: 'canceled', reason, actor });
  return loadBoard(services.database.db, missionId, actor.orgId);
}

/**
 * Org-wide emergency stop: every unfinished mission is stopped (as `stopMission`) and every
 * queued, running or waiting run of the org is canceled. Admin or above. Other tasks (memory
 * extraction, cron jobs) are left alone.
 */
export async function stopOrg(
  context: OrchestrationContext,
  input: { reason?: string | undefined } = {},
): Promise<{ missions: string[]; runs: string[] }> {
  requireRole(context.actor, 'admin');
  const { services, actor } = context;
  const reason = input.reason ? `emergency stop: ${input.reason}` : `emergency stop by ${actor.id}`;
  const missions = await services.database.db
    .selectFrom('mission')
    .select('id')
    .where('org_id', '=', actor.orgId)
    .where('state', 'not in', [...terminalMissionStates])
    .execute();
  const stopped: string[] = [];
  for (const mission of missions) {
    if (await haltMission(services, mission.id, { state: 'canceled', reason, actor }))
      stopped.push(mission.id);
  }
  const runs = await services.database.db
    .selectFrom('run')
    .select('id')
    .where('org_id', '=', actor.orgId)
    .where('status', 'in', ['queued', 'running', 'waiting'])
    .execute();
  const canceled: string[] = [];
  for (const run of runs) {
    const result = await cancelRun(context, run.id, reason);
    if (result.status === 'canceled') canceled.push(run.id);
  }
  await transact(services, async (transaction) => {
    await recordAudit(transaction, services, actor, {
      action: 'org.stop',
      resourceType: 'org',
      resourceId: actor.orgId,
      details: { reason, missions: stopped.length, runs: canceled.length },
    });
  });
  return { missions: stopped, runs: canceled };
}
