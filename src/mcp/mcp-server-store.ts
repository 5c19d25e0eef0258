import type { Kysely } from 'kysely';
import type { Row, Schema } from '../storage/index.js';
import { parseJson } from '../storage/index.js';
import type { McpServer, McpTransport } from './mcp-server-schema.js';

export function toMcpServer(row: Row<'mcp_server'>): McpServer {
  const settings = parseJson<Record<string, unknown>>(row.settings, {});
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    description: row.description,
    transport: { ...settings, type: row.transport } as McpTransport,
    source: 'api',
    version: Number(row.version),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** The transport's settings as stored: everything but its type, which has its own column. */
export function settingsOf(transport: McpTransport): Record<string, unknown> {
  const { type: _type, ...settings } = transport;
  return settings;
}

/** The org's server with this id or name, or a config-file server of that name. */
export async function findMcpServer(
  executor: Kysely<Schema>,
  configServers: readonly McpServer[],
  orgId: string,
  idOrName: string,
): Promise<McpServer | undefined> {
  const configured = configServers.find((server) => server.name === idOrName || server.id === idOrName);
  if (configured) return configured;
  const row = await executor
    .selectFrom('mcp_server')
    .selectAll()
    .where('org_id', '=', orgId)
    .where((where) => where.or([where('id', '=', idOrName), where('name', '=', idOrName)]))
    .executeTakeFirst();
  return row ? toMcpServer(row) : undefined;
}
