import type { Kysely } from 'kysely';
import type { Context, Services } from '../context/index.js';
import { invalidInput, notFound } from '../errors/index.js';
import type { ModelRegistry } from '../models/index.js';
import { parseJson, type Schema, toJson } from '../storage/index.js';
import type { CandidateScore, GateDecision, RoutingCandidate, RoutingWeights } from './expert-gate.js';

/**
 * The routing candidates of an org: its live agents (or only `agents`, by id or name), with
 * their capability profile, judged outcomes and current load. Throws `invalid_input` when a named
 * agent does not exist or no agent is left.
 */
export async function loadCandidates(
  services: Pick<Services, 'database'> & { models: ModelRegistry },
  orgId: string,
  agents?: readonly string[] | null,
): Promise<RoutingCandidate[]> {
  const db = services.database.db;
  let query = db
    .selectFrom('agent')
    .innerJoin('agent_version', (join) =>
      join
        .onRef('agent_version.agent_id', '=', 'agent.id')
        .onRef('agent_version.version', '=', 'agent.current_version'),
    )
    .select([
      'agent.id',
      'agent.name',
      'agent_version.capabilities',
      'agent_version.description',
      'agent_version.model',
    ])
    .where('agent.org_id', '=', orgId)
    .where('agent.deleted_at', 'is', null);
  if (agents && agents.length > 0) {
    const wanted = [...agents];
    query = query.where((builder) =>
      builder.or([builder('agent.id', 'in', wanted), builder('agent.name', 'in', wanted)]),
    );
  }
  const rows = await query.orderBy('agent.id').execute();
  if (agents && agents.length > 0) {
    for (const [index, wanted] of agents.entries()) {
      if (!rows.some((row) => row.id === wanted || row.name === wanted))
        throw invalidInput(`agents.${index}`, `no agent "${wanted}" in this org`);
    }
  }
  if (rows.length === 0)
    throw invalidInput('agents', 'the org has no agents: create one first (POST /v1/agents)');
  const ids = rows.map((row) => row.id);
  const performance = await db
    .selectFrom('agent_performance')
    .select(['agent_id', 'successes', 'failures'])
    .where('org_id', '=', orgId)
    .where('agent_id', 'in', ids)
    .execute();
  const active = await db
    .selectFrom('run')
    .select(['agent_id', (builder) => builder.fn.countAll<number>().as('count')])
    .where('status', 'in', ['queued', 'running', 'waiting'])
    .where('org_id', '=', orgId)
    .groupBy('agent_id')
    .execute();
  const performanceOf = new Map(performance.map((row) => [row.agent_id, row]));
  const activeOf = new Map(active.map((row) => [row.agent_id, Number(row.count)]));
  const fallbackModel = services.models.defaultModelSpec();
  return rows.map((row) => {
    const capabilities = parseJson<{ text?: string; tags?: string[] }>(row.capabilities, {});
    const stats = performanceOf.get(row.id);
    return {
      agentId: row.id,
      name: row.name,
      capabilityText: `${capabilities.text ?? ''} ${row.description}`.trim(),
      tags: capabilities.tags ?? [],
      model: row.model ?? fallbackModel,
      successes: Number(stats?.successes ?? 0),
      failures: Number(stats?.failures ?? 0),
      active: activeOf.get(row.id) ?? 0,
    };
  });
}

export interface DecisionRef {
  orgId: string;
  missionId?: string | null;
  missionTaskId?: string | null;
  /** What was routed: a mission task key, a task id… */
  taskRef: string;
}

/** Appends a decision to `routing_decision_log`; returns its id. */
export async function logDecision(
  executor: Kysely<Schema>,
  services: Pick<Services, 'ids' | 'clock'>,
  ref: DecisionRef,
  decision: GateDecision,
): Promise<string> {
  const id = services.ids.next('rtd');
  await executor
    .insertInto('routing_decision_log')
    .values({
      id,
      org_id: ref.orgId,
      mission_id: ref.missionId ?? null,
      mission_task_id: ref.missionTaskId ?? null,
      task_ref: ref.taskRef,
      query: decision.query.slice(0, 4000),
      candidates: toJson(decision.candidates),
      chosen: toJson(decision.chosen),
      method: decision.method,
      router_model: decision.routerModel,
      router_reason: decision.routerReason,
      weights: toJson(decision.weights),
      created_at: services.clock.now(),
    })
    .execute();
  return id;
}

/** Counts one judged attempt of an agent (acceptance passed, or violated/failed) for its success rate. */
export async function recordOutcome(
  executor: Kysely<Schema>,
  services: Pick<Services, 'clock'>,
  orgId: string,
  agentId: string,
  passed: boolean,
): Promise<void> {
  const now = services.clock.now();
  await executor
    .insertInto('agent_performance')
    .values({
      agent_id: agentId,
      org_id: orgId,
      successes: passed ? 1 : 0,
      failures: passed ? 0 : 1,
      updated_at: now,
    })
    .onConflict((conflict) =>
      conflict.column('agent_id').doUpdateSet((builder) => ({
        successes: builder('agent_performance.successes', '+', passed ? 1 : 0),
        failures: builder('agent_performance.failures', '+', passed ? 0 : 1),
        updated_at: now,
      })),
    )
    .execute();
}

export interface RoutingDecision {
  id: string;
  orgId: string;
  missionId: string | null;
  missionTaskId: string | null;
  taskRef: string;
  query: string;
  candidates: CandidateScore[];
  chosen: string[];
  method: 'scores' | 'router-model';
  routerModel: string | null;
  routerReason: string | null;
  weights: RoutingWeights;
  createdAt: number;
}

function toDecision(row: Schema['routing_decision_log']): RoutingDecision {
  return {
    id: row.id,
    orgId: row.org_id,
    missionId: row.mission_id,
    missionTaskId: row.mission_task_id,
    taskRef: row.task_ref,
    query: row.query,
    candidates: parseJson<CandidateScore[]>(row.candidates, []),
    chosen: parseJson<string[]>(row.chosen, []),
    method: row.method === 'router-model' ? 'router-model' : 'scores',
    routerModel: row.router_model,
    routerReason: row.router_reason,
    weights: parseJson<RoutingWeights>(row.weights, { capability: 0, success: 0, load: 0, cost: 0 }),
    createdAt: Number(row.created_at),
  };
}

/** The caller's routing decisions, newest first (keyset cursor on the id). Viewer or above. */
export async function listRoutingDecisions(
  context: Context,
  options: {
    missionId?: string | undefined;
    missionTaskId?: string | undefined;
    limit?: number | undefined;
    cursor?: string | undefined;
  } = {},
): Promise<{ decisions: RoutingDecision[]; nextCursor: string | null }> {
  const { services, actor } = context;
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
  if (options.missionId) {
    const mission = await services.database.db
      .selectFrom('mission')
      .select('id')
      .where('id', '=', options.missionId)
      .where('org_id', '=', actor.orgId)
      .executeTakeFirst();
    if (!mission) throw notFound('mission', options.missionId);
  }
  let query = services.database.db
    .selectFrom('routing_decision_log')
    .selectAll()
    .where('org_id', '=', actor.orgId);
  if (options.missionId) query = query.where('mission_id', '=', options.missionId);
  if (options.missionTaskId) query = query.where('mission_task_id', '=', options.missionTaskId);
  if (options.cursor) query = query.where('id', '<', options.cursor);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit).map(toDecision);
  return { decisions: page, nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
}
