import { z } from 'zod';
import { jsonOr, listOf, setting } from './setting.js';

const text = z.string().max(8000);

/** One entry of `mcpServers`, in the shape MCP hosts use: a command, or a URL. */
const serverEntry = z.union([
  z.strictObject({
    description: z.string().max(2000).optional(),
    command: z.string().trim().min(1).max(1000),
    args: z.array(z.string().max(4000)).max(64).optional(),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), text).optional(),
  }),
  z.strictObject({
    description: z.string().max(2000).optional(),
    url: z.url().regex(/^https?:\/\//, 'an http:// or https:// URL'),
    headers: z.record(z.string().min(1).max(200), text).optional(),
  }),
]);

/** `mcpServers`: MCP servers every org's agents may use (the mcp capability's config servers). */
export const mcpServersSetting = setting(
  jsonOr(
    z.record(
      z
        .string()
        .max(40)
        .regex(/^[a-z0-9][a-z0-9-]*$/, 'server names use lowercase letters, digits and "-"'),
      serverEntry,
    ),
  ).default({}),
  {
    env: 'COLONY_MCP_SERVERS',
    meaning:
      'MCP servers of every org, by name: `{command, args?, env?}` (stdio) or `{url, headers?}` (streamable HTTP); see [docs/mcp.md](docs/mcp.md)',
    defaultText: 'none',
  },
);

/** `mcp.*`: how Colony talks to MCP servers (the mcp capability's `McpSettings`). */
export const mcpSettings = z
  .strictObject({
    callTimeoutMs: setting(z.coerce.number().int().min(100).max(3_600_000).default(60_000), {
      env: 'COLONY_MCP_CALL_TIMEOUT_MS',
      meaning: 'deadline of one MCP tool call; past it the model gets a tool error',
    }),
    connectTimeoutMs: setting(z.coerce.number().int().min(100).max(600_000).default(15_000), {
      env: 'COLONY_MCP_CONNECT_TIMEOUT_MS',
      meaning: 'deadline of starting an MCP server (or reaching it) and listing its tools',
    }),
    toolsTtlMs: setting(z.coerce.number().int().min(0).max(86_400_000).default(300_000), {
      env: 'COLONY_MCP_TOOLS_TTL_MS',
      meaning:
        "how long a server's tool list is used before it is listed again (`list_changed` drops it sooner)",
    }),
    maxConcurrentCalls: setting(z.coerce.number().int().min(1).max(256).default(4), {
      env: 'COLONY_MCP_MAX_CONCURRENT_CALLS',
      meaning: 'tool calls one MCP server runs at once; more wait their turn',
    }),
    stdioCommands: setting(listOf(z.string().min(1).max(1000)).default([]), {
      env: 'COLONY_MCP_STDIO_COMMANDS',
      meaning:
        'commands a stdio MCP server registered through the API or CLI may run (`*`: any); the config file’s servers are trusted',
      defaultText: 'none',
    }),
  })
  .prefault({});
