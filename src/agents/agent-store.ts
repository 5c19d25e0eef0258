import type { Kysely } from 'kysely';
import { notFound } from '../errors/index.js';
import type { Row, Schema } from '../storage/index.js';
import { parseJson } from '../storage/index.js';
import type { Agent, AgentDefinition } from './agent-schema.js';

/**
 * Agent versions are immutable once written, so their parsed definitions are cached by
 * `agent id @ version` with no invalidation needed (listing agents stays a single light query).
 */
const definitions = new Map<string, AgentDefinition>();
const definitionCacheLimit = 10_000;

function definitionOf(version: Row<'agent_version'>): AgentDefinition {
  const key = `${version.agent_id}@${version.version}`;
  const cached = definitions.get(key);
  if (cached) return cached;
  const definition = parseDefinition(version);
  if (definitions.size >= definitionCacheLimit) definitions.clear();
  definitions.set(key, definition);
  return definition;
}

/** Parsed definitions of the given versions, read from the database only when not cached. */
export async function definitionsFor(
  executor: Kysely<Schema>,
  versions: ReadonlyArray<{ agentId: string; version: number }>,
): Promise<Map<string, AgentDefinition>> {
  const found = new Map<string, AgentDefinition>();
  const missing = versions.filter(({ agentId, version }) => {
    const cached = definitions.get(`${agentId}@${version}`);
    if (cached) found.set(`${agentId}@${version}`, cached);
    return !cached;
  });
  if (missing.length > 0) {
    const rows = await executor
      .selectFrom('agent_version')
      .selectAll()
      .where((builder) =>
        builder.or(
          missing.map(({ agentId, version }) =>
            builder.and([builder('agent_id', '=', agentId), builder('version', '=', version)]),
          ),
        ),
      )
      .execute();
    for (const row of rows) found.set(`${row.agent_id}@${row.version}`, definitionOf(row));
  }
  return found;
}

function parseDefinition(version: Row<'agent_version'>): AgentDefinition {
  return {
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
  };
}

export function toAgent(agent: Row<'agent'>, version: Row<'agent_version'>): Agent {
  return agentFrom(agent, Number(version.version), definitionOf(version));
}

export function agentFrom(agent: Row<'agent'>, version: number, definition: AgentDefinition): Agent {
  return {
    id: agent.id,
    orgId: agent.org_id,
    name: agent.name,
    version,
    ...definition,
    createdAt: Number(agent.created_at),
    updatedAt: Number(agent.updated_at),
  };
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
  return toAgent(agent, row);
}
