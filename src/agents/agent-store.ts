import type { Kysely } from 'kysely';
import { notFound } from '../errors/index.js';
import type { Row, Schema } from '../storage/index.js';
import { parseJson } from '../storage/index.js';
import type { Agent, AgentDefinition } from './agent-schema.js';

/**
 * Committed agent versions never change, so what is built from them is kept, per database: the
 * parsed definition of each `agent id @ version`, and for each agent id the last Agent built from
 * a committed read, reused while the agent row still says what it was built from. A listing is
 * then one light query with no version reads and no JSON written for unchanged agents
 * (`agentJson`). Nothing is kept from a read or write inside a transaction: it may still roll
 * back, and the next edit would then write different content under the same version number.
 */
interface Kept {
  definitions: Map<string, AgentDefinition>;
  agents: Map<string, Agent>;
}
const keptByDatabase = new WeakMap<Kysely<Schema>, Kept>();
const keptLimit = 10_000;

/** What is kept for the database `executor` reads, or nothing inside a transaction. */
function keptFor(executor: Kysely<Schema>): Kept | undefined {
  if (executor.isTransaction) return undefined;
  let kept = keptByDatabase.get(executor);
  if (!kept) {
    kept = { definitions: new Map(), agents: new Map() };
    keptByDatabase.set(executor, kept);
  }
  return kept;
}

function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= keptLimit) cache.clear();
  cache.set(key, value);
}

function definitionOf(version: Row<'agent_version'>, kept: Kept | undefined): AgentDefinition {
  const key = `${version.agent_id}@${version.version}`;
  const found = kept?.definitions.get(key);
  if (found) return found;
  const definition = parseDefinition(version);
  if (kept) remember(kept.definitions, key, definition);
  return definition;
}

/** A definition is shared by every Agent built from its version: it is frozen all the way down. */
function parseDefinition(version: Row<'agent_version'>): AgentDefinition {
  return deepFreeze({
    description: version.description,
    instructions: version.instructions,
    model: version.model,
    tools: parseJson<string[]>(version.tools, []),
    capabilities: parseJson<AgentDefinition['capabilities']>(version.capabilities, { text: '', tags: [] }),
    memoryPolicy: parseJson<AgentDefinition['memoryPolicy']>(version.memory_policy, {
      enabled: true,
      extract: true,
      retrieveLimit: 8,
    }),
    limits: parseJson<AgentDefinition['limits']>(version.limits, {}),
    endpoints: parseJson<AgentDefinition['endpoints']>(version.endpoints, {}),
    approvals: { tools: {}, ...parseJson<Partial<AgentDefinition['approvals']>>(version.approvals, {}) },
  });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const nested of Object.values(value)) deepFreeze(nested);
    Object.freeze(value);
  }
  return value;
}

/** The kept Agent for `row` at `version`, if every field it took from the row is unchanged. */
function keptAgent(kept: Kept | undefined, row: Row<'agent'>, version: number): Agent | undefined {
  const agent = kept?.agents.get(row.id);
  return agent &&
    agent.version === version &&
    agent.name === row.name &&
    agent.orgId === row.org_id &&
    agent.createdAt === Number(row.created_at) &&
    agent.updatedAt === Number(row.updated_at)
    ? agent
    : undefined;
}

function agentFrom(
  kept: Kept | undefined,
  row: Row<'agent'>,
  version: number,
  definition: AgentDefinition,
): Agent {
  const agent: Agent = Object.freeze({
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    version,
    ...definition,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  });
  if (kept) remember(kept.agents, row.id, agent);
  return agent;
}

/** Builds an agent from a version read or written in `executor`. */
export function toAgent(executor: Kysely<Schema>, row: Row<'agent'>, version: Row<'agent_version'>): Agent {
  const kept = keptFor(executor);
  const number = Number(version.version);
  return keptAgent(kept, row, number) ?? agentFrom(kept, row, number, definitionOf(version, kept));
}

/** The agents of `rows` at their current versions, reading only the versions not kept. */
export async function currentAgents(
  executor: Kysely<Schema>,
  rows: ReadonlyArray<Row<'agent'>>,
): Promise<Agent[]> {
  const kept = keptFor(executor);
  const agents = rows.map((row) => keptAgent(kept, row, Number(row.current_version)));
  const parsed = rows.map((row, index) =>
    agents[index] ? undefined : kept?.definitions.get(`${row.id}@${row.current_version}`),
  );
  const missing = rows.filter((_, index) => !agents[index] && !parsed[index]);
  if (missing.length > 0) {
    const versions = await executor
      .selectFrom('agent_version')
      .selectAll()
      .where((builder) =>
        builder.or(
          missing.map((row) =>
            builder.and([builder('agent_id', '=', row.id), builder('version', '=', row.current_version)]),
          ),
        ),
      )
      .execute();
    const read = new Map(
      versions.map((version) => [`${version.agent_id}@${version.version}`, definitionOf(version, kept)]),
    );
    rows.forEach((row, index) => {
      if (!agents[index] && !parsed[index]) parsed[index] = read.get(`${row.id}@${row.current_version}`);
    });
  }
  return rows.flatMap((row, index) => {
    const agent = agents[index];
    if (agent) return [agent];
    const definition = parsed[index];
    return definition ? [agentFrom(kept, row, Number(row.current_version), definition)] : [];
  });
}

const agentJsonOf = new WeakMap<Agent, string>();

/** `JSON.stringify(agent)`, written once per Agent object: agents are frozen all the way down. */
export function agentJson(agent: Agent): string {
  let json = agentJsonOf.get(agent);
  if (json === undefined) {
    json = JSON.stringify(agent);
    agentJsonOf.set(agent, json);
  }
  return json;
}

/**
 * Loads an agent of `orgId` (by id or name) at its current version, or at `version`.
 * Another org's agent is reported as not found, never as forbidden.
 */
export async function loadAgent(
  executor: Kysely<Schema>,
  orgId: string,
  idOrName: string,
  version?: number,
  options: { includeDeleted?: boolean } = {},
): Promise<Agent> {
  let query = executor.selectFrom('agent').selectAll().where('org_id', '=', orgId);
  if (!options.includeDeleted) query = query.where('deleted_at', 'is', null);
  const agent = await query
    .where((builder) => builder.or([builder('id', '=', idOrName), builder('name', '=', idOrName)]))
    .executeTakeFirst();
  if (!agent) throw notFound('agent', idOrName);
  const row = await executor
    .selectFrom('agent_version')
    .selectAll()
    .where('agent_id', '=', agent.id)
    .where('version', '=', version ?? agent.current_version)
    .executeTakeFirst();
  if (!row) throw notFound('agent version', `${agent.id}@${version ?? agent.current_version}`);
  return toAgent(executor, agent, row);
}
