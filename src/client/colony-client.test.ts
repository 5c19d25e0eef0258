import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.js';
import { createSilentLogger } from '../observability/index.js';
import { type RunningServer, startServer } from '../server/index.js';
import { ColonyApiError, type ColonyClient, createColonyClient, type RunStreamEvent } from './index.js';

const toolEnv = { COLONY_HTTP_APPROVAL: 'always', COLONY_HTTP_ALLOW_PRIVATE: 'true' } as const;

let dataDir: string;
let server: RunningServer;
let client: ColonyClient;
let probe: Server;
let probeUrl: string;

async function collect(events: AsyncIterable<RunStreamEvent>): Promise<RunStreamEvent[]> {
  const all: RunStreamEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

const storedSeqs = (events: RunStreamEvent[]) =>
  events.filter((event) => event.id !== null).map((event) => Number(event.id));

beforeAll(async () => {
  probe = createServer((_request, response) => response.end('pong from probe'));
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  probeUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/ping`;
  dataDir = mkdtempSync(join(tmpdir(), 'colony-client-'));
  const config = loadConfig({ env: { ...toolEnv, COLONY_DATA_DIR: dataDir, COLONY_PORT: '0' } });
  server = await startServer(config, createSilentLogger());
  const apiKey = server.adminKey.created;
  if (!apiKey) throw new Error('expected a freshly created admin key');
  client = createColonyClient({ baseUrl: server.url, apiKey });
});

afterAll(async () => {
  await server?.stop();
  await new Promise((resolve) => probe?.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the typed client', () => {
  it('manages agents with versions', async () => {
    const created = await client.agents.create({ name: 'clerk', tools: ['get_time'], description: 'v1' });
    expect(created).toMatchObject({ name: 'clerk', version: 1, tools: ['get_time'] });
    const edited = await client.agents.update('clerk', { description: 'v2' });
    expect(edited.version).toBe(2);
    expect((await client.agents.get('clerk', { version: 1 })).description).toBe('v1');
    expect((await client.agents.get(created.id)).description).toBe('v2');
    const page = await client.agents.list();
    expect(page.agents.map((agent) => agent.name)).toContain('clerk');
  });

  it('streams a message with a tool call, then the transcript is persisted', async () => {
    await client.agents.create({ name: 'timekeeper', tools: ['get_time'] });
    const chat = await client.chats.create({ agent: 'timekeeper' });
    const events = await collect(client.messages.stream(chat.id, 'what time is it? /tool get_time {}'));
    const types = events.map((event) => event.event);
    expect(types[0]).toBe('run-queued');
    expect(types).toContain('run-text-delta');
    expect(types).toContain('tool-call-end');
    expect(types.at(-1)).toBe('run-succeeded');
    const deltas = events.filter((event) => event.event === 'run-text-delta');
    expect(deltas.every((event) => event.id === null && typeof event.data.payload.delta === 'string')).toBe(
      true,
    );
    const seqs = storedSeqs(events);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);

    const { messages } = await client.messages.list(chat.id);
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    expect(messages[1]?.content).toContain('get_time');
    const runId = events[0]?.data.runId ?? '';
    const run = await client.runs.get(runId);
    expect(run.status).toBe('succeeded');
    expect(run.offline).toBe(true);
    expect(run.steps.map((step) => step.kind)).toEqual(['model', 'tool', 'model']);
  });

  it('replays a finished run and resumes after Last-Event-ID without gap or duplicate', async () => {
    await client.agents.create({ name: 'replayer', tools: ['get_time'] });
    const chat = await client.chats.create({ agent: 'replayer' });
    const posted = await client.messages.post(chat.id, 'tick /tool get_time {}');
    expect(posted.run.offline).toBe(true);
    const all = storedSeqs(await collect(client.runs.events(posted.run.id)));
    expect(all.length).toBeGreaterThan(4);
    const middle = all[2] ?? 0;
    const rest = storedSeqs(
      await collect(client.runs.events(posted.run.id, { lastEventId: String(middle) })),
    );
    expect(rest).toEqual(all.slice(3));
  });

  it('reconnects with Last-Event-ID when the stream breaks', async () => {
    await client.agents.create({ name: 'flaky', tools: ['get_time'] });
    const chat = await client.chats.create({ agent: 'flaky' });
    const opened: Array<{ url: string; lastEventId: string | null }> = [];
    let cut = false;
    // Breaks the first response right after its second stored event.
    const breakingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const headers = new Headers(init?.headers);
      opened.push({ url: String(input), lastEventId: headers.get('last-event-id') });
      if (cut || !response.headers.get('content-type')?.includes('text/event-stream') || !response.body)
        return response;
      cut = true;
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      const encoder = new TextEncoder();
      let text = '';
      let sent = 0;
      let failNext = false;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (failNext) {
            await reader.cancel();
            controller.error(new TypeError('terminated'));
            return;
          }
          const chunk = await reader.read();
          if (chunk.done) return controller.close();
          text += decoder.decode(chunk.value, { stream: true });
          const messages = text.split('\n\n');
          let boundary = 0;
          let withId = 0;
          for (const message of messages.slice(0, -1)) {
            boundary += message.length + 2;
            if (/^id: /m.test(message)) withId++;
            if (withId === 2) break;
          }
          if (withId < 2) {
            controller.enqueue(encoder.encode(text.slice(sent)));
            sent = text.length;
            return;
          }
          controller.enqueue(encoder.encode(text.slice(sent, boundary)));
          failNext = true;
        },
      });
      return new Response(body, { status: response.status, headers: response.headers });
    };
    const flaky = createColonyClient({
      baseUrl: server.url,
      apiKey: server.adminKey.created ?? '',
      fetch: breakingFetch,
    });
    const events = await collect(
      flaky.messages.stream(chat.id, 'now /tool get_time {}', { retryDelayMs: 10 }),
    );
    expect(events.at(-1)?.event).toBe('run-succeeded');
    expect(opened.length).toBe(2);
    expect(opened[1]?.url).toMatch(/\/v1\/runs\/run_[^/]+\/events$/);
    expect(opened[1]?.lastEventId).not.toBeNull();
    const runId = events[0]?.data.runId ?? '';
    const reference = storedSeqs(await collect(client.runs.events(runId)));
    expect(storedSeqs(events)).toEqual(reference);
  });

  it('asks for approval and continues after approve and after reject', async () => {
    await client.agents.create({ name: 'fetcher', tools: ['http_request'] });
    const chat = await client.chats.create({ agent: 'fetcher' });
    const seen: RunStreamEvent[] = [];
    for await (const event of client.messages.stream(
      chat.id,
      `fetch /tool http_request {"url":"${probeUrl}"}`,
    )) {
      seen.push(event);
      if (event.event === 'tool-call-approval-requested') {
        expect(event.data.payload).toMatchObject({ toolName: 'http_request', input: { url: probeUrl } });
        const run = await client.runs.approve(event.data.runId ?? '', String(event.data.payload.toolCallId));
        expect(run.id).toBe(event.data.runId);
      }
    }
    expect(seen.map((event) => event.event)).toEqual(
      expect.arrayContaining([
        'tool-call-approval-requested',
        'tool-call-approved',
        'tool-call-end',
        'run-succeeded',
      ]),
    );
    const end = seen.find((event) => event.event === 'tool-call-end');
    expect(JSON.stringify(end?.data.payload.output)).toContain('pong from probe');

    const second = await client.messages.post(chat.id, `again /tool http_request {"url":"${probeUrl}"}`);
    for await (const event of client.runs.events(second.run.id)) {
      if (event.event === 'tool-call-approval-requested') {
        await client.runs.reject(second.run.id, String(event.data.payload.toolCallId), 'not today');
      }
    }
    const run = await client.runs.get(second.run.id);
    expect(run.status).toBe('succeeded');
    expect(run.steps.find((step) => step.kind === 'tool')?.status).toBe('rejected');
  });

  it('cancels a run', async () => {
    await client.agents.create({ name: 'waiter', tools: ['http_request'] });
    const chat = await client.chats.create({ agent: 'waiter' });
    const posted = await client.messages.post(chat.id, `/tool http_request {"url":"${probeUrl}"}`);
    for await (const event of client.runs.events(posted.run.id)) {
      if (event.event === 'tool-call-approval-requested') await client.runs.cancel(posted.run.id);
    }
    expect((await client.runs.get(posted.run.id)).status).toBe('canceled');
  });

  it('manages keys', async () => {
    const created = await client.keys.create({ name: 'reader', role: 'viewer' });
    expect(created.key.length).toBeGreaterThan(32);
    const viewer = createColonyClient({ baseUrl: server.url, apiKey: created.key });
    expect((await viewer.agents.list()).agents.length).toBeGreaterThan(0);
    await expect(viewer.agents.create({ name: 'nope' })).rejects.toMatchObject({
      status: 403,
      code: 'forbidden',
    });
    expect((await client.keys.list()).keys.map((key) => key.id)).toContain(created.apiKey.id);
    expect((await client.keys.revoke(created.apiKey.prefix)).revokedAt).not.toBeNull();
    await expect(viewer.agents.list()).rejects.toMatchObject({ status: 401, code: 'unauthenticated' });
  });

  it('throws ColonyApiError built from the error body', async () => {
    const missing = await client.agents.get('no-such-agent').catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(ColonyApiError);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });
    const invalid = await client.agents.create({ name: '' }).catch((error: unknown) => error);
    expect(invalid).toMatchObject({ status: 400, code: 'invalid_input' });
    expect((invalid as ColonyApiError).details?.fields?.[0]?.path).toContain('name');
    const anonymous = createColonyClient({ baseUrl: server.url });
    await expect(anonymous.chats.list()).rejects.toMatchObject({ status: 401, code: 'unauthenticated' });
  });

  it('gets 413 for an oversize body and 400 for malformed JSON from the real server, and nothing is created', async () => {
    const headers = {
      Authorization: `Bearer ${server.adminKey.created}`,
      'Content-Type': 'application/json',
    };
    const before = (await client.agents.list()).agents.length;
    const oversize = await fetch(`${server.url}/v1/agents`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'huge', instructions: 'x'.repeat(2_000_000) }),
    });
    expect(oversize.status).toBe(413);
    expect(await oversize.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    const malformed = await fetch(`${server.url}/v1/agents`, { method: 'POST', headers, body: '{"name": ' });
    expect(malformed.status).toBe(400);
    // Bodies are read only after authentication: an anonymous client gets 401, not a read body.
    const anonymous = await fetch(`${server.url}/v1/agents`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'huge', instructions: 'x'.repeat(2_000_000) }),
    });
    expect(anonymous.status).toBe(401);
    expect((await client.agents.list()).agents.length).toBe(before);
  });

  it('audits a mutation with the connection’s address, or behind a trusted proxy the one it names', async () => {
    const create = async (target: RunningServer, name: string, extra: Record<string, string> = {}) => {
      const response = await fetch(`${target.url}/v1/agents`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${target.adminKey.created}`,
          'Content-Type': 'application/json',
          ...extra,
        },
        body: JSON.stringify({ name }),
      });
      expect(response.status).toBe(201);
      const row = await target.colony.database.db
        .selectFrom('audit_log')
        .select('ip')
        .where('request_id', '=', response.headers.get('X-Request-Id'))
        .executeTakeFirstOrThrow();
      return row.ip;
    };
    const loopback = /^(::ffff:)?127\.0\.0\.1$/;
    const forwarded = { 'X-Forwarded-For': '203.0.113.7, 10.0.0.2' };
    expect(await create(server, 'audited-direct')).toMatch(loopback);
    // By default a client cannot choose the address it is recorded with.
    expect(await create(server, 'audited-spoofed', forwarded)).toMatch(loopback);

    const behindProxyDir = mkdtempSync(join(tmpdir(), 'colony-client-proxy-'));
    const behindProxy = await startServer(
      loadConfig({
        env: { COLONY_DATA_DIR: behindProxyDir, COLONY_PORT: '0', COLONY_TRUST_PROXY: 'true' },
      }),
      createSilentLogger(),
    );
    try {
      expect(await create(behindProxy, 'audited-proxied', forwarded)).toBe('203.0.113.7');
      expect(await create(behindProxy, 'audited-unnamed')).toMatch(loopback);
    } finally {
      await behindProxy.stop();
      rmSync(behindProxyDir, { recursive: true, force: true });
    }
  });

  it('reports an unreachable server as unavailable with status 0', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const offline = createColonyClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'x' });
    await expect(offline.agents.list()).rejects.toMatchObject({ status: 0, code: 'unavailable' });
    await expect(
      collect(offline.runs.events('run_x', { retries: 1, retryDelayMs: 1 })),
    ).rejects.toMatchObject({
      code: 'unavailable',
    });
  });
});
