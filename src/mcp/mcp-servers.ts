import { type Context, requireRole } from '../context/index.js';
import { ColonyError, fromZodError, invalidInput, notFound } from '../errors/index.js';
import { transact } from '../events/index.js';
import { recordAudit } from '../identity/index.js';
import { toJson } from '../storage/index.js';
import type { McpHub } from './mcp-hub.js';
import {
  type CreateMcpServerInput,
  createMcpServerInput,
  type McpServer,
  type McpTransport,
  type UpdateMcpServerInput,
  updateMcpServerInput,
} from './mcp-server-schema.js';
import { findMcpServer, settingsOf, toMcpServer } from './mcp-server-store.js';

export type McpContext = Context<{ mcp: McpHub }>;

const redacted = '[redacted]';

/** A server as the API shows it: environment and header values never leave Colony. */
export function publicMcpServer(server: McpServer): McpServer {
  const transport = server.transport;
  const hide = (values: Record<string, string>) =>
    Object.fromEntries(Object.keys(values).map((key) => [key, redacted]));
  return {
    ...server,
    transport:
      transport.type === 'stdio'
        ? { ...transport, env: hide(transport.env) }
        : { ...transport, headers: hide(transport.headers) },
  };
}

/** A stdio server registered through the API runs a command the operator allowed (`mcp.stdioCommands`). */
function checkCommand(hub: McpHub, transport: McpTransport): void {
  if (transport.type !== 'stdio') return;
  const allowed = hub.settings.stdioCommands;
  if (allowed.includes('*') || allowed.includes(transport.command)) return;
  throw invalidInput(
    'transport.command',
    `"${transport.command}" is not in the commands stdio servers may run (the mcp.stdioCommands setting)`,
  );
}

function checkNameFree(hub: McpHub, name: string): void {
  if (hub.configServers.some((server) => server.name === name)) {
    throw new ColonyError('conflict', `an MCP server named "${name}" is defined in the configuration file`, {
      fields: [{ path: 'name', message: 'already taken' }],
    });
  }
}

function nameTaken(name: string): ColonyError {
  return new ColonyError('conflict', `an MCP server named "${name}" already exists`, {
    fields: [{ path: 'name', message: 'already taken' }],
  });
}

async function loadEditable(context: McpContext, idOrName: string): Promise<McpServer> {
  const { services, actor } = context;
  const server = await findMcpServer(services.database.db, services.mcp.configServers, actor.orgId, idOrName);
  if (!server) throw notFound('MCP server', idOrName);
  if (server.source === 'config') {
    throw new ColonyError('conflict', `the MCP server "${server.name}" is defined in the configuration file`);
  }
  return server;
}

/** Registers an MCP server for the caller's org (admin). Its tools are listed on first use. */
export async function createMcpServer(context: McpContext, input: CreateMcpServerInput): Promise<McpServer> {
  requireRole(context.actor, 'admin');
  const parsed = createMcpServerInput.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  const { services, actor } = context;
  checkCommand(services.mcp, parsed.data.transport);
  checkNameFree(services.mcp, parsed.data.name);
  const server = await transact(
    services,
    async (transaction, outbox) => {
      const taken = await transaction
        .selectFrom('mcp_server')
        .select('id')
        .where('org_id', '=', actor.orgId)
        .where('name', '=', parsed.data.name)
        .executeTakeFirst();
      if (taken) throw nameTaken(parsed.data.name);
      const now = services.clock.now();
      const row = {
        id: services.ids.next('mcps'),
        org_id: actor.orgId,
        name: parsed.data.name,
        description: parsed.data.description,
        transport: parsed.data.transport.type,
        settings: toJson(settingsOf(parsed.data.transport)),
        version: 1,
        created_by: actor.id,
        created_at: now,
        updated_at: now,
      };
      await transaction.insertInto('mcp_server').values(row).execute();
      await recordAudit(transaction, services, actor, {
        action: 'mcp-server.create',
        resourceType: 'mcp_server',
        resourceId: row.id,
      });
      await outbox.emit({
        type: 'mcp-server-created',
        orgId: actor.orgId,
        subjectId: row.id,
        payload: { name: row.name, transport: row.transport },
      });
      return toMcpServer(row);
    },
    context.idempotency,
  );
  return publicMcpServer(server);
}

/** Edits a server (admin): a new transport replaces the old one whole; its connection is reopened. */
export async function updateMcpServer(
  context: McpContext,
  idOrName: string,
  input: UpdateMcpServerInput,
): Promise<McpServer> {
  requireRole(context.actor, 'admin');
  const parsed = updateMcpServerInput.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  const { services, actor } = context;
  if (parsed.data.transport) checkCommand(services.mcp, parsed.data.transport);
  if (parsed.data.name) checkNameFree(services.mcp, parsed.data.name);
  const current = await loadEditable(context, idOrName);
  const server = await transact(services, async (transaction, outbox) => {
    const name = parsed.data.name ?? current.name;
    if (name !== current.name) {
      const taken = await transaction
        .selectFrom('mcp_server')
        .select('id')
        .where('org_id', '=', actor.orgId)
        .where('name', '=', name)
        .executeTakeFirst();
      if (taken) throw nameTaken(name);
    }
    const transport = parsed.data.transport ?? current.transport;
    const changes = {
      name,
      description: parsed.data.description ?? current.description,
      transport: transport.type,
      settings: toJson(settingsOf(transport)),
      version: current.version + 1,
      updated_at: services.clock.now(),
    };
    const updated = await transaction
      .updateTable('mcp_server')
      .set(changes)
      .where('id', '=', current.id)
      .where('version', '=', current.version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) {
      throw new ColonyError('conflict', 'the MCP server was changed concurrently; retry the edit');
    }
    await recordAudit(transaction, services, actor, {
      action: 'mcp-server.update',
      resourceType: 'mcp_server',
      resourceId: current.id,
      details: { version: changes.version, fields: Object.keys(parsed.data) },
    });
    await outbox.emit({
      type: 'mcp-server-updated',
      orgId: actor.orgId,
      subjectId: current.id,
      payload: { name, version: changes.version },
    });
    return {
      ...current,
      name,
      description: changes.description,
      transport,
      version: changes.version,
      updatedAt: changes.updated_at,
    };
  });
  await services.mcp.forget(current.id);
  return publicMcpServer(server);
}

/** Removes a server (admin) and stops it; agents that list its tools get a tool error until edited. */
export async function deleteMcpServer(context: McpContext, idOrName: string): Promise<void> {
  requireRole(context.actor, 'admin');
  const { services, actor } = context;
  const server = await loadEditable(context, idOrName);
  await transact(services, async (transaction, outbox) => {
    await transaction.deleteFrom('mcp_server').where('id', '=', server.id).execute();
    await recordAudit(transaction, services, actor, {
      action: 'mcp-server.delete',
      resourceType: 'mcp_server',
      resourceId: server.id,
    });
    await outbox.emit({
      type: 'mcp-server-deleted',
      orgId: actor.orgId,
      subjectId: server.id,
      payload: { name: server.name },
    });
  });
  await services.mcp.forget(server.id);
}

export async function getMcpServer(context: McpContext, idOrName: string): Promise<McpServer> {
  const { services, actor } = context;
  const server = await findMcpServer(services.database.db, services.mcp.configServers, actor.orgId, idOrName);
  if (!server) throw notFound('MCP server', idOrName);
  return publicMcpServer(server);
}

/** The config file's servers (first page only), then the org's, by id. */
export async function listMcpServers(
  context: McpContext,
  options: { limit?: number | undefined; after?: string | undefined } = {},
): Promise<{ mcpServers: McpServer[]; nextCursor: string | null }> {
  const { services, actor } = context;
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
  let query = services.database.db.selectFrom('mcp_server').selectAll().where('org_id', '=', actor.orgId);
  if (options.after !== undefined) query = query.where('id', '>', options.after);
  const rows = await query
    .orderBy('id', 'asc')
    .limit(limit + 1)
    .execute();
  const own = rows.slice(0, limit).map(toMcpServer);
  const configured = options.after === undefined ? services.mcp.configServers : [];
  return {
    mcpServers: [...configured, ...own].map(publicMcpServer),
    nextCursor: rows.length > limit ? (own.at(-1)?.id ?? null) : null,
  };
}
