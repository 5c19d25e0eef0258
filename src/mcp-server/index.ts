export { createColonyMcpServer } from './colony-mcp-server.js';
export { runStdioBridge } from './stdio-bridge.js';
