import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpHarness, type HttpHarness } from '../http/test-support/http-harness.js';
import { cleanEnv } from './test-support/cli-process.js';

const entry = fileURLToPath(new URL('./main.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

interface ToolAnswer {
  isError?: boolean;
  content: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown>;
}

describe('colony mcp: a stdio bridge to a running Colony', { timeout: 60_000 }, () => {
  let harness: HttpHarness;
  let server: ReturnType<typeof serve>;
  let baseUrl: string;
  const clients: Client[] = [];

  /** `colony mcp` spawned the way a desktop client starts it, with its stderr kept. */
  function bridge(key: string) {
    let stderr = '';
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--import', 'tsx', entry, 'mcp'],
      cwd: repoRoot,
      env: cleanEnv({ COLONY_URL: baseUrl, COLONY_API_KEY: key }) as Record<string, string>,
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    return { transport, stderr: () => stderr };
  }

  /** The SDK's client connected to a fresh bridge. */
  async function connect(key: string, mode: 'legacy' | { pin: string } = 'legacy') {
    const client = new Client({ name: 'desktop', version: '1.0.0' }, { versionNegotiation: { mode } });
    clients.push(client);
    await client.connect(bridge(key).transport, { timeout: 30_000 });
    return { client };
  }

  beforeAll(async () => {
    harness = await createHttpHarness('sqlite', { workers: true });
    await harness.request('POST', '/v1/agents', { body: { name: 'echo', description: 'repeats you' } });
    server = await new Promise((resolve) => {
      const listening = serve({ fetch: harness.app.fetch, hostname: '127.0.0.1', port: 0 }, () =>
        resolve(listening),
      );
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    for (const client of clients) await client.close().catch(() => undefined);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await harness.close();
  });

  it('lists the tools and asks an agent through the bridge', async () => {
    const { client } = await connect(harness.keys.member);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain('ask_agent');
    expect(tools.find((tool) => tool.name === 'ask_agent')?.inputSchema.required).toEqual(['message']);
    const answer = (await client.callTool({
      name: 'ask_agent',
      arguments: { agent: 'echo', message: 'hello over stdio' },
    })) as ToolAnswer;
    expect(answer.isError).toBeFalsy();
    expect(answer.content[0]?.text).toContain('You said: "hello over stdio"');
    expect(answer.structuredContent).toMatchObject({ status: 'succeeded', agent: 'echo' });
  });

  it('speaks the 2026-07-28 revision to a client that pins it', async () => {
    const { client } = await connect(harness.keys.viewer, { pin: '2026-07-28' });
    expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    const listed = (await client.callTool({ name: 'list_agents', arguments: {} })) as ToolAnswer;
    expect(listed.structuredContent?.agents).toEqual([expect.objectContaining({ name: 'echo' })]);
  });

  it('forwards with the key’s org: another org sees no agents and cannot ask this org’s', async () => {
    const { client } = await connect(harness.keys.otherOrg);
    const listed = (await client.callTool({ name: 'list_agents', arguments: {} })) as ToolAnswer;
    expect(listed.structuredContent?.agents).toEqual([]);
    const asked = (await client.callTool({
      name: 'ask_agent',
      arguments: { agent: 'echo', message: 'peek' },
    })) as ToolAnswer;
    expect(asked).toMatchObject({ isError: true, structuredContent: { error: { code: 'not_found' } } });
  });

  it('refuses to start with a wrong key, saying why on stderr', async () => {
    const { transport, stderr } = bridge('ck_wrong_key');
    const client = new Client({ name: 'desktop', version: '1.0.0' });
    clients.push(client);
    await expect(client.connect(transport, { timeout: 30_000 })).rejects.toThrow();
    await expect.poll(stderr, { timeout: 10_000 }).toMatch(/unauthenticated|401/i);
  });
});
