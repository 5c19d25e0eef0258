export { configServersOf } from './config-servers.js';
export { createMcpHub, type McpHub } from './mcp-hub.js';
export {
  type CreateMcpServerInput,
  createMcpServerInput,
  type McpServer,
  mcpTransport,
  type UpdateMcpServerInput,
  updateMcpServerInput,
} from './mcp-server-schema.js';
export {
  createMcpServer,
  deleteMcpServer,
  getMcpServer,
  listMcpServers,
  updateMcpServer,
} from './mcp-servers.js';
export { createMcpToolSource } from './mcp-tool-source.js';
