/** How an agent names MCP tools: `mcp:<server>/<tool>`, or `mcp:<server>/*` for all of them. */
export interface McpToolReference {
  server: string;
  /** A tool name, or `*`. */
  tool: string;
}

const reference = /^mcp:([a-z0-9][a-z0-9-]*)\/(.+)$/;

export function isMcpToolName(name: string): boolean {
  return name.startsWith('mcp:');
}

/** The server and tool an agent's tool entry names, or undefined when it is not `mcp:<server>/<tool>`. */
export function parseMcpToolName(name: string): McpToolReference | undefined {
  const match = reference.exec(name);
  if (!match?.[1] || !match[2]) return undefined;
  return { server: match[1], tool: match[2] };
}

/**
 * The name a model calls an MCP tool by: providers accept only letters, digits, `_` and `-` (at
 * most 64), so `mcp:docs/search.pages` is offered as `mcp__docs__search_pages`.
 */
export function modelToolName(server: string, tool: string): string {
  return `mcp__${server}__${tool.replace(/[^A-Za-z0-9_-]/g, '_')}`.slice(0, 64);
}
