import type { Kysely } from 'kysely';
import { type Context, requireRole } from '../context/index.js';
import { ColonyError, fromZodError, invalidInput } from '../errors/index.js';
import { transact } from '../events/index.js';
import { recordAudit } from '../identity/index.js';
import type { Schema } from '../storage/index.js';
import { preparePerShape, prepareQuery, toJson } from '../storage/index.js';
import {
  type Agent,
  type AgentDefinition,
  type CreateAgentInput,
  createAgentInput,
  type UpdateAgentInput,
  updateAgentInput,
} from './agent-schema.js';
import { currentAgents, loadAgent, toAgent } from './agent-store.js';

/** What agent validation needs to know: which models and tools exist. */
export interface AgentCatalog {
  models: { isKnown(spec: string): boolean };
  tools: { check(orgId: string, name: string): Promise<string | undefined> };
}

export type AgentContext = Context<AgentCatalog>;

async function checkCatalog(
  catalog: AgentCatalog,
  orgId: string,
  definition: Partial<AgentDefinition>,
): Promise<void> {
  if (definition.model && !catalog.models.isKnown(definition.model)) {
    throw invalidInput('model', `unknown or unconfigured model "${definition.model}"`);
  }
  for (const [index, tool] of (definition.tools ?? []).entries()) {
    const problem = await catalog.tools.check(orgId, tool);
    if (problem) throw invalidInput(`tools.${index}`, problem);
  }
  for (const tool of Object.keys(definition.approvals?.tools ?? {})) {
    const problem = await catalog.tools.check(orgId, tool);
    if (problem) throw invalidInput(`approvals.tools.${tool}`, problem);
  }
}

async function nameTaken(executor: Kysely<Schema>, orgId: string, name: string, exceptId?: string) {
  let query = executor
    .selectFrom('agent')
    .select('id')
    .where('org_id', '=', orgId)
    .where('name', '=', name)
    .where('deleted_at', 'is', null);
  if (exceptId) query = query.where('id', '!=', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

async function insertVersion(
  executor: Kysely<Schema>,
  context: AgentContext,
  agentId: string,
  version: number,
  definition: AgentDefinition,
) {
  const row = {
    agent_id: agentId,
    version,
    org_id: context.actor.orgId,
    description: definition.description,
    instructions: definition.instructions,
    model: definition.model,
    tools: toJson(definition.tools),
    capabilities: toJson(definition.capabilities),
    memory_policy: toJson(definition.memoryPolicy),
    limits: toJson(definition.limits),
    endpoints: toJson(definition.endpoints),
    approvals: toJson(definition.approvals),
    created_by: context.actor.id,
    created_at: context.services.clock.now(),
  };
  await executor.insertInto('agent_version').values(row).execute();
  return row;
}

/** Creates an agent at version 1. Names are unique per org among live agents. */
export async function createAgent(context: AgentContext, input: CreateAgentInput): Promise<Agent> {
  requireRole(context.actor, 'member');
  const parsed = createAgentInput.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  const { name, ...definition } = parsed.data;
  await checkCatalog(context.services, context.actor.orgId, definition);
  const { services, actor } = context;
  return transact(
    services,
    async (transaction, outbox) => {
      if (await nameTaken(transaction, actor.orgId, name)) {
        throw new ColonyError('conflict', `an agent named "${name}" already exists`, {
          fields: [{ path: 'name', message: 'already taken' }],
        });
      }
      const now = services.clock.now();
      const agent = {
        id: services.ids.next('agt'),
        org_id: actor.orgId,
        name,
        current_version: 1,
        created_at: now,
        updated_at: now,
        deleted_at: null,
      };
      await transaction.insertInto('agent').values(agent).execute();
      const version = await insertVersion(transaction, context, agent.id, 1, definition);
      await recordAudit(transaction, services, actor, {
        action: 'agent.create',
        resourceType: 'agent',
        resourceId: agent.id,
      });
      await outbox.emit({
        type: 'agent-created',
        orgId: actor.orgId,
        subjectId: agent.id,
        payload: { name, version: 1 },
      });
      return toAgent(transaction, agent, version);
    },
    context.idempotency,
  );
}

/** Applies a partial edit as a new version; runs keep the version they started with. */
export async function updateAgent(
  context: AgentContext,
  idOrName: string,
  input: UpdateAgentInput,
): Promise<Agent> {
  requireRole(context.actor, 'member');
  const parsed = updateAgentInput.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  const { name, ...changes } = parsed.data;
  await checkCatalog(context.services, context.actor.orgId, changes);
  const { services, actor } = context;
  return transact(services, async (transaction, outbox) => {
    const current = await loadAgent(transaction, actor.orgId, idOrName);
    if (name && name !== current.name && (await nameTaken(transaction, actor.orgId, name, current.id))) {
      throw new ColonyError('conflict', `an agent named "${name}" already exists`, {
        fields: [{ path: 'name', message: 'already taken' }],
      });
    }
    const definition: AgentDefinition = {
      description: changes.description ?? current.description,
      instructions: changes.instructions ?? current.instructions,
      model: changes.model === undefined ? current.model : changes.model,
      tools: changes.tools ?? current.tools,
      capabilities: changes.capabilities ?? current.capabilities,
      memoryPolicy: changes.memoryPolicy ?? current.memoryPolicy,
      limits: changes.limits ?? current.limits,
      endpoints: changes.endpoints ?? current.endpoints,
      approvals: changes.approvals ?? current.approvals,
    };
    const version = current.version + 1;
    const now = services.clock.now();
    const updated = await transaction
      .updateTable('agent')
      .set({ name: name ?? current.name, current_version: version, updated_at: now })
      .where('id', '=', current.id)
      .where('current_version', '=', current.version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) {
      throw new ColonyError('conflict', 'the agent was changed concurrently; retry the edit');
    }
    const versionRow = await insertVersion(transaction, context, current.id, version, definition);
    await recordAudit(transaction, services, actor, {
      action: 'agent.update',
      resourceType: 'agent',
      resourceId: current.id,
      details: { version, fields: Object.keys(parsed.data) },
    });
    await outbox.emit({
      type: 'agent-updated',
      orgId: actor.orgId,
      subjectId: current.id,
      payload: { version },
    });
    const agentRow = {
      id: current.id,
      org_id: actor.orgId,
      name: name ?? current.name,
      current_version: version,
      created_at: current.createdAt,
      updated_at: now,
      deleted_at: null,
    };
    return toAgent(transaction, agentRow, versionRow);
  });
}

export async function getAgent(context: Context, idOrName: string, version?: number): Promise<Agent> {
  return loadAgent(context.services.database.db, context.actor.orgId, idOrName, version);
}

/** The page query, prepared once per page size, with and without a cursor. */
const agentPage = preparePerShape((size: number, cursor: boolean) =>
  prepareQuery((db, values: { orgId: string; after: string }) => {
    let query = db
      .selectFrom('agent')
      .selectAll()
      .where('org_id', '=', values.orgId)
      .where('deleted_at', 'is', null);
    if (cursor) query = query.where('id', '>', values.after);
    return query.orderBy('id', 'asc').limit(size);
  }),
);

/** Lists live agents of the caller's org, newest last, with a cursor on the id. */
export async function listAgents(
  context: Context,
  options: { limit?: number; after?: string | undefined } = {},
): Promise<{ agents: Agent[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
  const { rows } = await agentPage(limit + 1, options.after !== undefined)(context.services.database.db, {
    orgId: context.actor.orgId,
    after: options.after ?? '',
  });
  const agents = await currentAgents(context.services.database.db, rows.slice(0, limit));
  return { agents, nextCursor: rows.length > limit ? (agents.at(-1)?.id ?? null) : null };
}

/** Soft-deletes an agent: its chats and runs stay readable; the name becomes free. */
export async function deleteAgent(context: Context, idOrName: string): Promise<void> {
  requireRole(context.actor, 'admin');
  const { services, actor } = context;
  await transact(services, async (transaction, outbox) => {
    const agent = await loadAgent(transaction, actor.orgId, idOrName);
    await transaction
      .updateTable('agent')
      .set({ deleted_at: services.clock.now() })
      .where('id', '=', agent.id)
      .execute();
    await recordAudit(transaction, services, actor, {
      action: 'agent.delete',
      resourceType: 'agent',
      resourceId: agent.id,
    });
    await outbox.emit({ type: 'agent-deleted', orgId: actor.orgId, subjectId: agent.id, payload: {} });
  });
}
