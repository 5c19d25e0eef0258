// A real MCP server over stdio, written with the SDK, for the tests and the bench.
// MCP_FIXTURE_CALLS: a file that gets one line per `count` call (survives the test process).
// MCP_FIXTURE_MODE=garbage: answers every line with text that is not JSON-RPC.
import { appendFileSync } from 'node:fs';
import { McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { z } from 'zod';

if (process.env.MCP_FIXTURE_MODE === 'garbage') {
  process.stdin.on('data', () => process.stdout.write('this is not json-rpc\n{"half":\n'));
} else {
  serveStdio(() => {
    const server = new McpServer({ name: 'fixture', version: '1.0.0' });
    server.registerTool(
      'echo',
      {
        description: 'Echoes the text',
        inputSchema: z.object({ text: z.string() }),
        annotations: { readOnlyHint: true },
      },
      async ({ text }) => ({ content: [{ type: 'text', text: `echo: ${text}` }] }),
    );
    server.registerTool(
      'env',
      {
        description: 'The value of an environment variable of the server (a failure, when fail is true)',
        inputSchema: z.object({ name: z.string(), fail: z.boolean().optional() }),
        annotations: { readOnlyHint: true },
      },
      async ({ name, fail }) => ({
        content: [{ type: 'text', text: `${name}=${process.env[name] ?? ''}` }],
        ...(fail ? { isError: true } : {}),
      }),
    );
    server.registerTool(
      'count',
      { description: 'Counts its calls in a file', inputSchema: z.object({ label: z.string() }) },
      async ({ label }) => {
        if (process.env.MCP_FIXTURE_CALLS) appendFileSync(process.env.MCP_FIXTURE_CALLS, `${label}\n`);
        return { content: [{ type: 'text', text: `counted ${label}` }] };
      },
    );
    server.registerTool(
      'sleep',
      { description: 'Answers after ms milliseconds', inputSchema: z.object({ ms: z.number() }) },
      async ({ ms }) => {
        await new Promise((resolve) => setTimeout(resolve, ms));
        return { content: [{ type: 'text', text: `slept ${ms}` }] };
      },
    );
    server.registerTool(
      'pid',
      { description: 'The server process id', inputSchema: z.object({}) },
      async () => ({ content: [{ type: 'text', text: String(process.pid) }] }),
    );
    server.registerTool(
      'grow',
      { description: 'Adds the tool `grown` (tools/list_changed)', inputSchema: z.object({}) },
      async () => {
        server.registerTool('grown', { description: 'Added later', inputSchema: z.object({}) }, async () => ({
          content: [{ type: 'text', text: 'grown' }],
        }));
        return { content: [{ type: 'text', text: 'grew' }] };
      },
    );
    server.registerTool('exit', { description: 'Exits the process', inputSchema: z.object({}) }, async () => {
      setTimeout(() => process.exit(1), 10);
      return { content: [{ type: 'text', text: 'bye' }] };
    });
    return server;
  });
}
