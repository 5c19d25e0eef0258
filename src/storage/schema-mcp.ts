/** An MCP server registered by an org (migration 0007); written only by `src/mcp`. */
export interface McpServerTable {
  id: string;
  org_id: string;
  /** Unique per org; agents name its tools `mcp:<name>/<tool>`. */
  name: string;
  description: string;
  /** `stdio` or `http`. */
  transport: string;
  /** The transport's settings as JSON: `{command, args, env}` or `{url, headers}`. */
  settings: string;
  /** Grows with every edit: open connections of an older version are replaced. */
  version: number;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

declare module './schema.js' {
  interface Schema {
    mcp_server: McpServerTable;
  }
}
