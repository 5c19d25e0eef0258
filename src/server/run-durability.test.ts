import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresDatabase, testDialects } from '../storage/test-support/databases.js';
import { callApi, freePort, type SpawnedServer, spawnServer, until } from './test-support/spawn-server.js';

const adminKey = 'colony-test-admin-key-0123456789abcdefghijklmnop';

interface Probe {
  server: Server;
  url: string;
  hits: () => number;
}

async function startProbe(): Promise<Probe> {
  let hits = 0;
  const server = createServer((_request, response) => {
    hits++;
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ probe: 'ok', hit: hits }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, url: `http://127.0.0.1:${port}/probe`, hits: () => hits };
}

function callLog(file: string): Array<{ event: string; pid: number }> {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { event: string; pid: number });
}

function api<T>(server: SpawnedServer, method: string, path: string, body?: unknown): Promise<T> {
  return callApi<T>(server.url, adminKey, method, path, body);
}

describe.each(testDialects)('runs survive SIGKILL on %s', (dialect) => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let probe: Probe;
  let server: SpawnedServer | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'colony-crash-'));
    probe = await startProbe();
    const database = dialect === 'postgres' ? await createPostgresDatabase() : undefined;
    dropDatabase = database?.drop;
    env = {
      COLONY_DATA_DIR: dataDir,
      COLONY_PORT: String(await freePort()),
      COLONY_ADMIN_KEY: adminKey,
      COLONY_OFFLINE_DELAY_MS: '1200',
      COLONY_OFFLINE_CALL_LOG: join(dataDir, 'model-calls.log'),
      COLONY_HTTP_ALLOW_PRIVATE: 'true',
      COLONY_TASK_LEASE_MS: '2000',
      ...(database ? { COLONY_DATABASE_URL: database.url } : {}),
    };
  });

  afterEach(async () => {
    await server?.kill('SIGKILL');
    probe.server.close();
    await dropDatabase?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('resumes a run at its first incomplete step: no model or tool call repeated', async () => {
    server = await spawnServer(env);
    await api(server, 'POST', '/v1/agents', { name: 'worker', tools: ['http_request', 'get_time'] });
    const chat = await api<{ id: string }>(server, 'POST', '/v1/chats', { agent: 'worker' });
    const content = `Check the probe /tool http_request {"url":"${probe.url}"} and then /tool get_time {}`;
    const posted = await api<{ run: { id: string; offline: boolean } }>(
      server,
      'POST',
      `/v1/chats/${chat.id}/messages`,
      {
        content,
      },
    );
    expect(posted.run.offline).toBe(true);
    const logFile = String(env.COLONY_OFFLINE_CALL_LOG);
    // The second model call starts only after the first call and the http tool call are persisted.
    await until('the second model call to start', () =>
      callLog(logFile).filter((line) => line.event === 'start').length >= 2 ? true : undefined,
    );
    await server.kill('SIGKILL');
    expect(probe.hits()).toBe(1);

    server = await spawnServer(env);
    const run = await until('the run to finish', async () => {
      const current = await api<{
        status: string;
        steps: Array<{ kind: string; toolName: string | null; status: string }>;
      }>(server as SpawnedServer, 'GET', `/v1/runs/${posted.run.id}`);
      return ['succeeded', 'failed', 'canceled'].includes(current.status) ? current : undefined;
    });
    expect(run.status).toBe('succeeded');
    expect(run.steps.map((step) => `${step.kind}:${step.toolName ?? ''}:${step.status}`)).toEqual([
      'model::completed',
      'tool:http_request:completed',
      'model::completed',
      'tool:get_time:completed',
      'model::completed',
    ]);
    const calls = callLog(logFile);
    // 3 completed model calls + the one interrupted by SIGKILL.
    expect(calls.filter((line) => line.event === 'start')).toHaveLength(4);
    expect(calls.filter((line) => line.event === 'end')).toHaveLength(3);
    expect(probe.hits()).toBe(1);

    await server.kill('SIGTERM');
    server = await spawnServer(env);
    const transcript = await api<{ messages: Array<{ role: string; content: string }> }>(
      server,
      'GET',
      `/v1/chats/${chat.id}/messages`,
    );
    expect(transcript.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    expect(transcript.messages[0]?.content).toBe(content);
    expect(transcript.messages[1]?.content).toContain('Tool http_request returned');
    expect(transcript.messages[1]?.content).toContain('Tool get_time returned');
  }, 120_000);

  it('keeps a pending approval across a crash, then executes the approved call once', async () => {
    env.COLONY_HTTP_APPROVAL = 'always';
    env.COLONY_OFFLINE_DELAY_MS = '0';
    server = await spawnServer(env);
    await api(server, 'POST', '/v1/agents', { name: 'careful', tools: ['http_request'] });
    const chat = await api<{ id: string }>(server, 'POST', '/v1/chats', { agent: 'careful' });
    const posted = await api<{ run: { id: string } }>(server, 'POST', `/v1/chats/${chat.id}/messages`, {
      content: `/tool http_request {"url":"${probe.url}"}`,
    });
    const toolCallId = await until('the approval request', async () => {
      const run = await api<{ status: string; steps: Array<{ status: string; toolCallId: string | null }> }>(
        server as SpawnedServer,
        'GET',
        `/v1/runs/${posted.run.id}`,
      );
      const waiting = run.steps.find((step) => step.status === 'awaiting-approval');
      return run.status === 'waiting' && waiting ? waiting.toolCallId : undefined;
    });
    await server.kill('SIGKILL');
    expect(probe.hits()).toBe(0);

    server = await spawnServer(env);
    const still = await api<{ status: string }>(server, 'GET', `/v1/runs/${posted.run.id}`);
    expect(still.status).toBe('waiting');
    await api(server, 'POST', `/v1/runs/${posted.run.id}/approvals`, { toolCallId, decision: 'approve' });
    const done = await until('the approved run to finish', async () => {
      const run = await api<{ status: string }>(server as SpawnedServer, 'GET', `/v1/runs/${posted.run.id}`);
      return run.status === 'succeeded' || run.status === 'failed' ? run : undefined;
    });
    expect(done.status).toBe('succeeded');
    expect(probe.hits()).toBe(1);
  }, 120_000);

  it('holds a mutating endpoint call across a crash, then rejects it when its approval expires', async () => {
    env.COLONY_OFFLINE_DELAY_MS = '0';
    env.COLONY_APPROVAL_TTL_MS = '6000';
    server = await spawnServer(env);
    const endpoints = { probe: { baseUrl: probe.url, methods: ['GET', 'POST'] } };
    await api(server, 'POST', '/v1/agents', { name: 'writer', tools: ['http_request'], endpoints });
    const chat = await api<{ id: string }>(server, 'POST', '/v1/chats', { agent: 'writer' });
    const call = { endpoint: 'probe', method: 'POST', body: { note: 'hello' } };
    const posted = await api<{ run: { id: string } }>(server, 'POST', `/v1/chats/${chat.id}/messages`, {
      content: `/tool http_request ${JSON.stringify(call)}`,
    });
    const toolCallId = await until('the approval request', async () => {
      const run = await api<{ status: string; steps: Array<{ status: string; toolCallId: string | null }> }>(
        server as SpawnedServer,
        'GET',
        `/v1/runs/${posted.run.id}`,
      );
      const waiting = run.steps.find((step) => step.status === 'awaiting-approval');
      return run.status === 'waiting' && waiting ? waiting.toolCallId : undefined;
    });
    await server.kill('SIGKILL');

    server = await spawnServer(env);
    const done = await until('the approval to expire and the run to finish', async () => {
      const run = await api<{ status: string; steps: Array<{ status: string; toolCallId: string | null }> }>(
        server as SpawnedServer,
        'GET',
        `/v1/runs/${posted.run.id}`,
      );
      return run.status === 'succeeded' || run.status === 'failed' ? run : undefined;
    });
    expect(done.status).toBe('succeeded');
    expect(done.steps.find((step) => step.toolCallId === toolCallId)?.status).toBe('rejected');
    expect(probe.hits()).toBe(0);
    const transcript = await api<{ messages: Array<{ content: string }> }>(
      server,
      'GET',
      `/v1/chats/${chat.id}/messages`,
    );
    expect(transcript.messages.at(-1)?.content).toContain('the approval request expired');
  }, 120_000);

  it('on SIGTERM lets the in-flight step finish, then exits cleanly', async () => {
    server = await spawnServer(env);
    await api(server, 'POST', '/v1/agents', { name: 'steady' });
    const chat = await api<{ id: string }>(server, 'POST', '/v1/chats', { agent: 'steady' });
    const posted = await api<{ run: { id: string } }>(server, 'POST', `/v1/chats/${chat.id}/messages`, {
      content: 'hi',
    });
    const logFile = String(env.COLONY_OFFLINE_CALL_LOG);
    await until('the model call to start', () =>
      callLog(logFile).some((line) => line.event === 'start') ? true : undefined,
    );
    const exited = new Promise<number | null>((resolve) =>
      server?.child.once('exit', (code) => resolve(code)),
    );
    server.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(callLog(logFile).filter((line) => line.event === 'end')).toHaveLength(1);
    server = await spawnServer(env);
    const run = await api<{ status: string }>(server, 'GET', `/v1/runs/${posted.run.id}`);
    expect(run.status).toBe('succeeded');
    expect(callLog(logFile).filter((line) => line.event === 'start')).toHaveLength(1);
  }, 120_000);
});
