export { configServersOf, type McpServerEntry } from './config-servers.js';
export type { McpCallResult, McpConnection } from './mcp-connection.js';
export { createMcpHub, type McpHub } from './mcp-hub.js';
export {
  type CreateMcpServerInput,
  createMcpServerInput,
  type McpServer,
  type McpTransport,
  mcpServerName,
  mcpTransport,
  type UpdateMcpServerInput,
  updateMcpServerInput,
} from './mcp-server-schema.js';
export {
  createMcpServer,
  deleteMcpServer,
  getMcpServer,
  listMcpServers,
  type McpContext,
  publicMcpServer,
  updateMcpServer,
} from './mcp-servers.js';
export type { McpSettings } from './mcp-settings.js';
export { modelToolName, parseMcpToolName } from './mcp-tool-names.js';
export { createMcpToolSource } from './mcp-tool-source.js';
