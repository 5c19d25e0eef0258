import type { Kysely } from 'kysely';
import { notFound } from '../errors/index.js';
import {
  type EventPayload,
  type EventType,
  type NewEvent,
  type StoredEvent,
  toStoredEvent,
} from '../events/index.js';
import { parseJson, type Row, type Schema } from '../storage/index.js';
import type {
  Mission,
  MissionBoard,
  MissionBudget,
  MissionCheckpoint,
  MissionOptions,
  MissionState,
  MissionTask,
  MissionTaskStatus,
  Violation,
} from './mission-types.js';
import type { Plan } from './plan.js';

type Progress = Mission['progress'];

function emptyProgress(): Progress {
  return { total: 0, succeeded: 0, failed: 0, running: 0, pending: 0, canceled: 0 };
}

export function toMission(row: Row<'mission'>, progress: Progress = emptyProgress()): Mission {
  const plan = parseJson<Plan | null>(row.plan, null);
  return {
    id: row.id,
    orgId: row.org_id,
    goal: row.goal,
    state: row.state as MissionState,
    error: row.error,
    generation: Number(row.generation),
    replans: Number(row.replans),
    plan,
    report: row.report,
    budget: parseJson<MissionBudget>(row.budget, {}),
    usage: {
      inputTokens: Number(row.input_tokens),
      outputTokens: Number(row.output_tokens),
      costUsd: Number(row.cost_usd),
    },
    options: parseJson<MissionOptions>(row.options, {
      agents: null,
      checkpoints: false,
      model: 'offline:echo',
      maxAttempts: 3,
      errorThreshold: 10,
      routing: {},
    }),
    progress,
    taskId: row.task_id,
    deadlineAt: row.deadline_at === null ? null : Number(row.deadline_at),
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
  };
}

export function toMissionTask(row: Row<'mission_task'>, names: ReadonlyMap<string, string>): MissionTask {
  return {
    id: row.id,
    key: row.key,
    generation: Number(row.generation),
    title: row.title,
    description: row.description,
    capability: row.capability,
    dependsOn: parseJson<string[]>(row.depends_on, []),
    acceptance: parseJson<string[]>(row.acceptance, []),
    k: Number(row.k),
    assignees: parseJson<string[]>(row.assignees, []).map((agentId) => ({
      agentId,
      name: names.get(agentId) ?? agentId,
    })),
    routingDecisionId: row.routing_decision_id,
    status: row.status as MissionTaskStatus,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    result: row.result,
    votes: parseJson<unknown>(row.votes, null),
    violations: parseJson<Violation[]>(row.violations, []),
    runIds: parseJson<string[]>(row.run_ids, []),
    error: row.error,
    usage: {
      inputTokens: Number(row.input_tokens),
      outputTokens: Number(row.output_tokens),
      costUsd: Number(row.cost_usd),
    },
    taskId: row.task_id,
    createdAt: Number(row.created_at),
    startedAt: row.started_at === null ? null : Number(row.started_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
  };
}

/** Progress of the current generation's tasks (succeeded tasks of earlier plans count too). */
export function progressOf(
  mission: Row<'mission'>,
  tasks: ReadonlyArray<Pick<Row<'mission_task'>, 'status' | 'generation'>>,
): Progress {
  const progress = emptyProgress();
  for (const task of tasks) {
    if (Number(task.generation) !== Number(mission.generation) && task.status !== 'succeeded') continue;
    progress.total++;
    if (task.status === 'succeeded') progress.succeeded++;
    else if (task.status === 'failed') progress.failed++;
    else if (task.status === 'canceled') progress.canceled++;
    else if (task.status === 'pending') progress.pending++;
    else progress.running++;
  }
  return progress;
}

export async function loadMissionRow(
  executor: Kysely<Schema>,
  missionId: string,
  orgId?: string,
): Promise<Row<'mission'>> {
  let query = executor.selectFrom('mission').selectAll().where('id', '=', missionId);
  if (orgId !== undefined) query = query.where('org_id', '=', orgId);
  const row = await query.executeTakeFirst();
  if (!row) throw notFound('mission', missionId);
  return row;
}

export async function loadMissionTasks(
  executor: Kysely<Schema>,
  missionId: string,
): Promise<Row<'mission_task'>[]> {
  return executor
    .selectFrom('mission_task')
    .selectAll()
    .where('mission_id', '=', missionId)
    .orderBy('generation')
    .orderBy('id')
    .execute();
}

async function agentNames(executor: Kysely<Schema>, orgId: string, ids: readonly string[]) {
  if (ids.length === 0) return new Map<string, string>();
  const rows = await executor
    .selectFrom('agent')
    .select(['id', 'name'])
    .where('org_id', '=', orgId)
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((row) => [row.id, row.name]));
}

/** The status board: the mission, every task of every plan, checkpoints and handoff notes. */
export async function loadBoard(
  executor: Kysely<Schema>,
  missionId: string,
  orgId: string,
): Promise<MissionBoard> {
  const row = await loadMissionRow(executor, missionId, orgId);
  const taskRows = await loadMissionTasks(executor, missionId);
  const names = await agentNames(
    executor,
    orgId,
    taskRows.flatMap((task) => parseJson<string[]>(task.assignees, [])),
  );
  const checkpoints = await executor
    .selectFrom('mission_checkpoint')
    .selectAll()
    .where('mission_id', '=', missionId)
    .orderBy('reached_at')
    .execute();
  const handoffs = await executor
    .selectFrom('mission_handoff')
    .selectAll()
    .where('mission_id', '=', missionId)
    .orderBy('id')
    .execute();
  return {
    ...toMission(row, progressOf(row, taskRows)),
    tasks: taskRows.map((task) => toMissionTask(task, names)),
    checkpoints: checkpoints.map(
      (checkpoint): MissionCheckpoint => ({
        name: checkpoint.name,
        status: checkpoint.status as MissionCheckpoint['status'],
        reachedAt: Number(checkpoint.reached_at),
        decidedAt: checkpoint.decided_at === null ? null : Number(checkpoint.decided_at),
        decidedBy: checkpoint.decided_by,
      }),
    ),
    handoffs: handoffs.map((handoff) => ({
      id: handoff.id,
      fromTaskId: handoff.from_task_id,
      toTaskId: handoff.to_task_id,
      fromAgentId: handoff.from_agent_id,
      toAgentId: handoff.to_agent_id,
      summary: handoff.summary,
      decisions: parseJson<string[]>(handoff.decisions, []),
      nextSteps: parseJson<string[]>(handoff.next_steps, []),
      createdAt: Number(handoff.created_at),
    })),
  };
}

/** A mission event: `subjectId` is the mission, so `GET /v1/missions/:id/events` finds it. */
export function missionEvent<T extends MissionEventType>(
  mission: Pick<Row<'mission'>, 'id' | 'org_id'>,
  type: T,
  payload: Omit<EventPayload<T>, 'missionId'>,
): NewEvent<T> {
  return {
    type,
    orgId: mission.org_id,
    subjectId: mission.id,
    // Omit<P, 'missionId'> plus the mission's id is P; TypeScript cannot see it for a generic T.
    payload: { missionId: mission.id, ...payload } as EventPayload<T>,
  };
}

/** The catalog's mission event types. */
type MissionEventType = Extract<EventType, `mission-${string}`>;

export const missionEndEvents: ReadonlySet<string> = new Set([
  'mission-succeeded',
  'mission-failed',
  'mission-canceled',
]);

/** A mission's stored events after `afterSeq`, oldest first. */
export async function readMissionEvents(
  executor: Kysely<Schema>,
  input: { orgId: string; missionId: string; afterSeq: number; limit?: number },
): Promise<StoredEvent[]> {
  const rows = await executor
    .selectFrom('event')
    .selectAll()
    .where('org_id', '=', input.orgId)
    .where('seq', '>', input.afterSeq)
    .where('subject_id', '=', input.missionId)
    .where('type', 'like', 'mission-%')
    .orderBy('seq', 'asc')
    .limit(input.limit ?? 500)
    .execute();
  return rows.map(toStoredEvent);
}
