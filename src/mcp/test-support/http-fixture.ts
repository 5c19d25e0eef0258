import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';

export interface HttpFixture {
  url: string;
  /** Calls of its `echo` tool so far. */
  calls(): number;
  close(): Promise<void>;
}

/** A real MCP server over streamable HTTP, written with the SDK, on a free local port. */
export async function startHttpFixture(): Promise<HttpFixture> {
  let calls = 0;
  const handler = createMcpHandler(() => {
    const server = new McpServer({ name: 'http-fixture', version: '1.0.0' });
    server.registerTool(
      'echo',
      { description: 'Echoes the text', inputSchema: z.object({ text: z.string() }) },
      async ({ text }) => {
        calls++;
        return { content: [{ type: 'text', text: `echo: ${text}` }] };
      },
    );
    return server;
  });
  const listening = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const server = serve({ fetch: (request) => handler.fetch(request), port: 0, hostname: '127.0.0.1' }, () =>
      resolve(server),
    );
  });
  const { port } = listening.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    calls: () => calls,
    async close() {
      await handler.close();
      await new Promise<void>((resolve) => listening.close(() => resolve()));
    },
  };
}
