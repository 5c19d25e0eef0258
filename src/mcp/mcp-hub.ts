import type { Clock } from '../kernel/index.js';
import { createMcpConnection, type McpConnection } from './mcp-connection.js';
import type { McpServer } from './mcp-server-schema.js';
import type { McpSettings } from './mcp-settings.js';

/** The process's connections to MCP servers, one per server, and the servers of the config file. */
export interface McpHub {
  readonly settings: McpSettings;
  /** Servers from colony.config.yaml: offered to every org, not editable through the API. */
  readonly configServers: readonly McpServer[];
  /**
   * The server's connection: opened on first use, replaced when the server was edited since or
   * `revision` changed (the versions of the secrets its settings were filled with).
   */
  connectionOf(server: McpServer, revision?: string): McpConnection;
  /** Closes the server's connection (it was edited or deleted). */
  forget(serverId: string): Promise<void>;
  /** Process ids of the running stdio servers. */
  pids(): number[];
  /** Closes every connection and kills every stdio server; later calls fail as unavailable. */
  close(): Promise<void>;
}

/**
 * @example
 * const hub = createMcpHub(config.mcp, services.clock, configServersOf(config.mcpServers));
 * const tools = await hub.connectionOf(server).listTools(signal);
 */
export function createMcpHub(
  settings: McpSettings,
  clock: Clock,
  configServers: readonly McpServer[] = [],
): McpHub {
  const connections = new Map<string, { connection: McpConnection; revision: string }>();
  let closed = false;
  return {
    settings,
    configServers,
    connectionOf(server, revision = '') {
      const open = connections.get(server.id);
      if (
        open &&
        open.connection.server.version === server.version &&
        open.revision === revision &&
        !closed
      ) {
        return open.connection;
      }
      if (open) void open.connection.close();
      const connection = createMcpConnection(server, settings, clock);
      if (closed) void connection.close();
      else connections.set(server.id, { connection, revision });
      return connection;
    },
    async forget(serverId) {
      const open = connections.get(serverId);
      connections.delete(serverId);
      await open?.connection.close();
    },
    pids() {
      return [...connections.values()].flatMap((open) => open.connection.pid() ?? []);
    },
    async close() {
      closed = true;
      const open = [...connections.values()];
      connections.clear();
      await Promise.all(open.map(({ connection }) => connection.close()));
    },
  };
}
