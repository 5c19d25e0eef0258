import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../storage/test-support/databases.js';
import { createHttpHarness, type HttpHarness } from './test-support/http-harness.js';

interface ToolAnswer {
  isError?: boolean;
  content: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown>;
}

const textOf = (result: ToolAnswer) => result.content.map((part) => part.text ?? '').join('');

describe.each(testDialects)('Colony as an MCP server over streamable HTTP on %s', (dialect) => {
  let harness: HttpHarness;
  let server: ReturnType<typeof serve>;
  let url: URL;
  const clients: Client[] = [];

  /** The SDK's client against the real app on a port; modern (2026-07-28) or the 2025 handshake. */
  async function connect(key: string, era: 'modern' | 'legacy' = 'modern'): Promise<Client> {
    const client = new Client(
      { name: 'colony-test', version: '1.0.0' },
      { versionNegotiation: { mode: era === 'modern' ? { pin: '2026-07-28' } : 'legacy' } },
    );
    const transport = new StreamableHTTPClientTransport(url, {
      requestInit: { headers: { Authorization: `Bearer ${key}` } },
    });
    await client.connect(transport);
    clients.push(client);
    return client;
  }
  const call = async (client: Client, name: string, input: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: input })) as ToolAnswer;

  beforeAll(async () => {
    harness = await createHttpHarness(dialect, { workers: true });
    await harness.request('POST', '/v1/agents', {
      body: { name: 'echo', description: 'repeats you', tools: ['get_time'] },
    });
    server = await new Promise((resolve) => {
      const listening = serve({ fetch: harness.app.fetch, hostname: '127.0.0.1', port: 0 }, () =>
        resolve(listening),
      );
    });
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`);
  });
  afterAll(async () => {
    for (const client of clients) await client.close().catch(() => undefined);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await harness.close();
  });

  it('lists its six tools and the org’s agents, in both protocol eras', async () => {
    for (const era of ['modern', 'legacy'] as const) {
      const client = await connect(harness.keys.viewer, era);
      expect(client.getNegotiatedProtocolVersion()).toBe(era === 'modern' ? '2026-07-28' : '2025-11-25');
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual(
        ['add_memory', 'ask_agent', 'get_mission', 'list_agents', 'search_memory', 'start_mission'].sort(),
      );
      const listed = await call(client, 'list_agents', {});
      expect(listed.isError).toBeFalsy();
      expect(listed.structuredContent?.agents).toEqual([
        { id: expect.stringMatching(/^agt_/), name: 'echo', description: 'repeats you' },
      ]);
    }
  });

  // Before any mission: a mission's agents write chats of their own while it runs.
  it('answers domain errors as tool errors: bad input, a missing agent, a role too low', async () => {
    const viewer = await connect(harness.keys.viewer);
    const refused = await call(viewer, 'ask_agent', { agent: 'echo', message: 'hi' });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/^forbidden: /);
    const before = await harness.rowCounts(['conversation', 'message', 'run']);
    const member = await connect(harness.keys.member);
    const missing = await call(member, 'ask_agent', { agent: 'nobody', message: 'hi' });
    expect(missing).toMatchObject({ isError: true, structuredContent: { error: { code: 'not_found' } } });
    const mission = await call(member, 'start_mission', { goal: 'with a stranger', agents: ['nobody'] });
    expect(mission.isError).toBe(true);
    expect(textOf(mission)).toContain('nobody');
    const invalid = await call(member, 'ask_agent', { agent: 'echo', message: '' });
    expect(invalid.isError).toBe(true);
    expect(textOf(invalid)).toContain('message');
    expect(await harness.rowCounts(['conversation', 'message', 'run'])).toEqual(before);
  });

  it('asks an agent (one chat turn, its tools run) and continues the chat by its id', async () => {
    const client = await connect(harness.keys.member);
    const first = await call(client, 'ask_agent', {
      agent: 'echo',
      message: 'What time is it? /tool get_time {"timezone":"UTC"}',
    });
    expect(first.isError).toBeFalsy();
    expect(textOf(first)).toContain('You said: "What time is it?');
    expect(textOf(first)).toContain('Tool get_time returned');
    const chatId = first.structuredContent?.chatId as string;
    expect(first.structuredContent).toMatchObject({
      status: 'succeeded',
      agent: 'echo',
      answer: textOf(first),
    });
    const second = await call(client, 'ask_agent', { chatId, message: 'and again' });
    expect(second.structuredContent).toMatchObject({ chatId, status: 'succeeded' });
    const messages = (await (await harness.request('GET', `/v1/chats/${chatId}/messages`)).json()) as {
      messages: Array<{ role: string }>;
    };
    expect(messages.messages.map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
  });

  it('starts a mission and reads it, adds a memory and finds it', async () => {
    const client = await connect(harness.keys.member, 'legacy');
    const started = await call(client, 'start_mission', { goal: 'summarize the week' });
    expect(started.isError).toBeFalsy();
    const missionId = started.structuredContent?.missionId as string;
    expect(missionId).toMatch(/^msn_/);
    const read = await call(client, 'get_mission', { missionId });
    expect(read.structuredContent).toMatchObject({ missionId, goal: 'summarize the week' });
    const added = await call(client, 'add_memory', {
      content: 'The staging database is in Frankfurt',
      type: 'semantic',
    });
    expect(added.structuredContent).toMatchObject({ action: 'created' });
    const found = await call(client, 'search_memory', { query: 'where is the staging database' });
    expect(textOf(found)).toContain('Frankfurt');
  });

  it('keeps orgs apart: another org’s key sees none of this org’s agents, chats or missions', async () => {
    const member = await connect(harness.keys.member);
    const asked = await call(member, 'ask_agent', { agent: 'echo', message: 'private' });
    const mission = await call(member, 'start_mission', { goal: 'private goal' });
    const other = await connect(harness.keys.otherOrg);
    expect((await call(other, 'list_agents', {})).structuredContent?.agents).toEqual([]);
    const chat = await call(other, 'ask_agent', { chatId: asked.structuredContent?.chatId, message: 'peek' });
    expect(chat).toMatchObject({ isError: true, structuredContent: { error: { code: 'not_found' } } });
    const board = await call(other, 'get_mission', { missionId: mission.structuredContent?.missionId });
    expect(board).toMatchObject({ isError: true, structuredContent: { error: { code: 'not_found' } } });
    const byName = await call(other, 'ask_agent', { agent: 'echo', message: 'peek' });
    expect(byName.structuredContent).toMatchObject({ error: { code: 'not_found' } });
  });

  it('refuses a wrong key before any MCP exchange', async () => {
    for (const era of ['modern', 'legacy'] as const) {
      await expect(connect('ck_wrong_key', era)).rejects.toThrow(/401|unauthenticated/i);
    }
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'unauthenticated' } });
  });

  it('offers no standalone GET stream: the server is stateless', async () => {
    const response = await harness.request('GET', '/mcp', { headers: { Accept: 'text/event-stream' } });
    expect(response.status).toBe(405);
    await response.body?.cancel();
  });
});
