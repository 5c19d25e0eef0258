import {
  Client,
  StreamableHTTPClientTransport,
  type Tool,
  type Transport,
} from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { ColonyError, coerceError } from '../errors/index.js';
import { backoffDelay, type Clock } from '../kernel/index.js';
import type { McpServer } from './mcp-server-schema.js';
import { type McpSettings, restartBackoff } from './mcp-settings.js';
import { createSemaphore } from './semaphore.js';

/** What a tool call returned, as Colony keeps it. */
export interface McpCallResult {
  content: unknown[];
  structuredContent?: unknown;
  isError: boolean;
}

/**
 * One server, connected lazily on first use. A stdio server is a child process: started on the
 * first listing or call, started again after it exits (not sooner than an exponential backoff
 * allows), and killed by `close`. Calls beyond `maxConcurrentCalls` wait for a slot.
 */
export interface McpConnection {
  readonly server: McpServer;
  /** The server's tools, listed again after `toolsTtlMs` or a `tools/list_changed` notification. */
  listTools(signal: AbortSignal): Promise<Tool[]>;
  callTool(name: string, input: Record<string, unknown>, signal: AbortSignal): Promise<McpCallResult>;
  /** The child process of a started stdio server, else null. */
  pid(): number | null;
  close(): Promise<void>;
}

const stderrKept = 2000;

export function createMcpConnection(server: McpServer, settings: McpSettings, clock: Clock): McpConnection {
  const now = () => clock.now();
  const slots = createSemaphore(settings.maxConcurrentCalls);
  let current: { client: Client; transport: Transport; ready: Promise<void> } | undefined;
  let failures = 0;
  let retryAt = 0;
  let lastError = '';
  let tools: { list: Tool[]; at: number } | undefined;
  let closed = false;
  let stderr = '';

  const unavailable = (message: string, cause?: unknown) =>
    new ColonyError('unavailable', `MCP server "${server.name}" ${message}`, undefined, { cause });

  function failed(): void {
    failures++;
    retryAt = now() + backoffDelay(failures, restartBackoff);
    tools = undefined;
  }

  function transportOf(): Transport {
    const transport = server.transport;
    if (transport.type === 'http') {
      return new StreamableHTTPClientTransport(new URL(transport.url), {
        requestInit: { headers: transport.headers },
      });
    }
    const stdio = new StdioClientTransport({
      command: transport.command,
      args: transport.args,
      env: transport.env,
      stderr: 'pipe',
    });
    stdio.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-stderrKept);
    });
    return stdio;
  }

  /** Shared by every caller: not tied to the signal of the run that happened to start it. */
  function start() {
    const client = new Client(
      { name: 'colony', version: '0.1.0' },
      {
        versionNegotiation: { mode: 'auto' },
        listChanged: {
          tools: {
            autoRefresh: false,
            debounceMs: 0,
            onChanged: () => {
              tools = undefined;
            },
          },
        },
      },
    );
    const transport = transportOf();
    const started = { client, transport, ready: Promise.resolve() };
    client.onclose = () => {
      // The child exited or the connection dropped: the next use starts it again, after a backoff.
      if (current !== started) return;
      current = undefined;
      lastError = 'exited or closed the connection';
      if (!closed) failed();
    };
    started.ready = client.connect(transport, { timeout: settings.connectTimeoutMs }).then(
      () => {
        failures = 0;
      },
      async (thrown: unknown) => {
        if (current === started) current = undefined;
        failed();
        await client.close().catch(() => undefined);
        const detail = stderr.trim() ? ` (stderr: ${stderr.trim().slice(-500)})` : '';
        lastError = `could not be started or reached: ${coerceError(thrown).message}${detail}`;
        throw unavailable(lastError, thrown);
      },
    );
    return started;
  }

  async function client(): Promise<Client> {
    if (closed) throw unavailable('is shut down');
    if (!current) {
      const wait = retryAt - now();
      if (wait > 0) throw unavailable(`${lastError || 'failed'}; it is tried again in ${wait} ms`);
      current = start();
    }
    const started = current;
    await started.ready;
    return started.client;
  }

  return {
    server,
    async listTools(signal) {
      if (tools && now() - tools.at < settings.toolsTtlMs) return tools.list;
      const connected = await client();
      try {
        const listed = await connected.listTools(undefined, {
          timeout: settings.connectTimeoutMs,
          signal,
          cacheMode: 'bypass',
        });
        tools = { list: listed.tools, at: now() };
        return listed.tools;
      } catch (thrown) {
        throw unavailable(`could not list its tools: ${coerceError(thrown).message}`, thrown);
      }
    },
    async callTool(name, input, signal) {
      const release = await slots.acquire(signal);
      try {
        const connected = await client();
        const result = await connected.callTool(
          { name, arguments: input },
          { timeout: settings.callTimeoutMs, signal },
        );
        return {
          content: Array.isArray(result.content) ? result.content : [],
          ...(result.structuredContent === undefined ? {} : { structuredContent: result.structuredContent }),
          isError: result.isError === true,
        };
      } catch (thrown) {
        if (signal.aborted) throw thrown;
        if (thrown instanceof ColonyError) throw thrown;
        throw unavailable(`failed the call of ${name}: ${coerceError(thrown).message}`, thrown);
      } finally {
        release();
      }
    },
    pid() {
      const transport = current?.transport;
      return transport instanceof StdioClientTransport ? transport.pid : null;
    },
    async close() {
      closed = true;
      const open = current;
      current = undefined;
      await open?.client.close().catch(() => undefined);
    },
  };
}
