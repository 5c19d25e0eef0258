import { z } from 'zod';

/** Letters, digits and `-`: a server's tools are offered to models as `mcp__<name>__<tool>`. */
export const mcpServerName = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and "-", starting with a letter or digit');

/**
 * An env or header value; `{{secrets.NAME}}` in it is filled with the org secret when a granted
 * agent calls the server (docs/tools.md, Secrets).
 */
const plainValue = z.string().max(8000);

const environmentName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');
const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'an HTTP header name');

/** A server Colony starts as a child process and talks to over stdin/stdout. */
export const stdioTransport = z.strictObject({
  type: z.literal('stdio'),
  command: z.string().trim().min(1).max(1000),
  args: z.array(z.string().max(4000)).max(64).default([]),
  env: z.record(environmentName, plainValue).default({}),
});

/** A server reached over streamable HTTP. */
export const httpTransport = z.strictObject({
  type: z.literal('http'),
  url: z
    .url()
    .max(2000)
    .regex(/^https?:\/\//, 'an http:// or https:// URL'),
  headers: z.record(headerName, plainValue).default({}),
});

export const mcpTransport = z.discriminatedUnion('type', [stdioTransport, httpTransport]);

export const createMcpServerInput = z.strictObject({
  name: mcpServerName,
  description: z.string().max(2000).default(''),
  transport: mcpTransport,
});

export const updateMcpServerInput = z.strictObject({
  name: mcpServerName.optional(),
  description: z.string().max(2000).optional(),
  transport: mcpTransport.optional(),
});

export type McpTransport = z.output<typeof mcpTransport>;
export type CreateMcpServerInput = z.input<typeof createMcpServerInput>;
export type UpdateMcpServerInput = z.input<typeof updateMcpServerInput>;

/** A registered MCP server: of the org (`api`) or of every org (`config`, from colony.config.yaml). */
export interface McpServer {
  id: string;
  orgId: string | null;
  name: string;
  description: string;
  transport: McpTransport;
  source: 'api' | 'config';
  /** Grows with every edit. */
  version: number;
  createdAt: number;
  updatedAt: number;
}
