/** How Colony talks to MCP servers: the `mcp.*` settings (docs/mcp.md). */
export interface McpSettings {
  /** Deadline of one tool call. */
  callTimeoutMs: number;
  /** Deadline of starting a server and the protocol handshake. */
  connectTimeoutMs: number;
  /** How long a server's tool list is used before it is listed again (a `list_changed` drops it sooner). */
  toolsTtlMs: number;
  /** Tool calls one server runs at once; more wait their turn. */
  maxConcurrentCalls: number;
  /** Commands a stdio server registered through the API may run (`*`: any); the config file's are trusted. */
  stdioCommands: readonly string[];
}

/** First and longest wait before a failed server is started (or reached) again. */
export const restartBackoff = { baseMs: 250, maxMs: 30_000 } as const;
