import type { CreateMcpServerInput, McpServer, UpdateMcpServerInput } from '../mcp/index.js';

export type { CreateMcpServerInput, McpServer, UpdateMcpServerInput };

/** `GET /v1/mcp-servers`: the configuration file's servers (first page), then the org's. */
export interface McpServerPage {
  mcpServers: McpServer[];
  nextCursor: string | null;
}
