import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../kernel/index.js';
import { createMcpConnection, type McpConnection } from './mcp-connection.js';
import type { McpServer } from './mcp-server-schema.js';
import type { McpSettings } from './mcp-settings.js';
import { fixtureServerPath } from './test-support/fixture.js';

const settings: McpSettings = {
  callTimeoutMs: 10_000,
  connectTimeoutMs: 10_000,
  toolsTtlMs: 3_600_000,
  maxConcurrentCalls: 4,
  stdioCommands: [],
};

const server: McpServer = {
  id: 'mcps_1',
  orgId: 'org_1',
  name: 'fixture',
  description: '',
  transport: { type: 'stdio', command: process.execPath, args: [fixtureServerPath], env: {} },
  source: 'api',
  version: 1,
  createdAt: 0,
  updatedAt: 0,
};

const signal = new AbortController().signal;
const textOf = (result: { content: unknown[] }) => (result.content[0] as { text: string }).text;

describe('a stdio MCP server connection', () => {
  let connection: McpConnection | undefined;
  afterEach(async () => {
    await connection?.close();
  });

  it('starts the server lazily, on first use', async () => {
    connection = createMcpConnection(server, settings, systemClock);
    expect(connection.pid()).toBeNull();
    await connection.listTools(signal);
    expect(connection.pid()).toBeGreaterThan(0);
  });

  it('lists the tools again when the server says they changed, before the TTL ends', async () => {
    connection = createMcpConnection(server, settings, systemClock);
    const before = (await connection.listTools(signal)).map((tool) => tool.name);
    expect(before).not.toContain('grown');
    await connection.callTool('grow', {}, signal);
    const deadline = Date.now() + 10_000;
    let after: string[] = [];
    while (!after.includes('grown') && Date.now() < deadline) {
      after = (await connection.listTools(signal)).map((tool) => tool.name);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(after).toContain('grown');
  });

  it('starts the server again after it exited, as a new process', async () => {
    connection = createMcpConnection(server, settings, systemClock);
    const first = textOf(await connection.callTool('pid', {}, signal));
    await connection.callTool('exit', {}, signal);
    const deadline = Date.now() + 10_000;
    let second: string | undefined;
    while (second === undefined && Date.now() < deadline) {
      second = await connection.callTool('pid', {}, signal).then(
        (result) => textOf(result),
        () => undefined,
      );
      // A call during the backoff (or before the exit was seen) fails; the server comes back after it.
      if (second === first) second = undefined;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(second).toMatch(/^\d+$/);
    expect(second).not.toBe(first);
  });

  it('runs at most maxConcurrentCalls calls at once; the others wait their turn', async () => {
    connection = createMcpConnection(server, { ...settings, maxConcurrentCalls: 1 }, systemClock);
    await connection.listTools(signal);
    const finished: string[] = [];
    await Promise.all([
      connection.callTool('sleep', { ms: 300 }, signal).then(() => finished.push('slow')),
      connection.callTool('echo', { text: 'fast' }, signal).then(() => finished.push('fast')),
    ]);
    expect(finished).toEqual(['slow', 'fast']);
  });

  it('after close, calls fail as unavailable and the process is gone', async () => {
    connection = createMcpConnection(server, settings, systemClock);
    const pid = Number(textOf(await connection.callTool('pid', {}, signal)));
    await connection.close();
    expect(() => process.kill(pid, 0)).toThrow();
    await expect(connection.callTool('echo', { text: 'x' }, signal)).rejects.toThrow(/shut down/);
  });
});
