import type { Kysely } from 'kysely';
import { notFound } from '../errors/index.js';
import type { Row, Schema } from '../storage/index.js';
import { parseJson } from '../storage/index.js';
import type { Agent, AgentDefinition } from './agent-schema.js';

export function toAgent(agent: Row<'agent'>, version: Row<'agent_version'>): Agent {
  return {
    id: agent.id,
    orgId: agent.org_id,
    name: agent.name,
    version: version.version,
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
