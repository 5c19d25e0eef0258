import type { Readable, Writable } from 'node:stream';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { type CallToolResult, Server } from '@modelcontextprotocol/server';
import { StdioServerTransport, serveStdio } from '@modelcontextprotocol/server/stdio';
import { ColonyError, coerceError } from '../errors/index.js';

export interface BridgeOptions {
  /** The Colony server, e.g. `http://127.0.0.1:4000`; its `/mcp` endpoint is used. */
  url: string;
  apiKey: string;
  stdin: Readable;
  stdout: Writable;
  /** Where connection problems are reported (stdout carries the protocol). */
  log(line: string): void;
}

/**
 * `colony mcp`: an MCP server on stdio for desktop clients that forwards every tool listing and
 * call to a running Colony's `/mcp` with the caller's API key. The tools are defined once, on the
 * server; the bridge holds no database and no state beyond its one HTTP client. Resolves when
 * stdin ends. Refuses to start (an `unauthenticated` or `unavailable` error) when Colony cannot
 * be reached with the key, so a desktop client shows the failure at once.
 */
export async function runStdioBridge(options: BridgeOptions): Promise<void> {
  const endpoint = new URL('/mcp', options.url);
  const remote = new Client(
    { name: 'colony-mcp-bridge', version: '1.0.0' },
    { versionNegotiation: { mode: 'auto' } },
  );
  try {
    await remote.connect(
      new StreamableHTTPClientTransport(endpoint, {
        requestInit: { headers: { Authorization: `Bearer ${options.apiKey}` } },
      }),
    );
  } catch (thrown) {
    const message = coerceError(thrown).message;
    const code = /\b401\b|unauthenticated/i.test(message) ? 'unauthenticated' : 'unavailable';
    throw new ColonyError(code, `could not open ${endpoint.href}: ${message}`, undefined, { cause: thrown });
  }
  options.log(`colony mcp: forwarding to ${endpoint.href}`);
  const handle = serveStdio(
    () => {
      const server = new Server(
        { name: 'colony', version: remote.getServerVersion()?.version ?? '1.0.0' },
        { capabilities: { tools: {} }, instructions: remote.getInstructions() ?? '' },
      );
      server.setRequestHandler('tools/list', (request, context) =>
        remote.listTools(request.params, { signal: context.mcpReq.signal }),
      );
      server.setRequestHandler(
        'tools/call',
        async (request, context) =>
          (await remote.callTool(request.params, { signal: context.mcpReq.signal })) as CallToolResult,
      );
      return server;
    },
    {
      transport: new StdioServerTransport(options.stdin, options.stdout),
      onerror: (error) => options.log(`colony mcp: ${error.message}`),
    },
  );
  await new Promise<void>((resolve) => {
    options.stdin.once('end', resolve);
    options.stdin.once('close', resolve);
  });
  await handle.close();
  await remote.close();
}
