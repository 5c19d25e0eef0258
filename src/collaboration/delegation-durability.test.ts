import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  callApi,
  freePort,
  type SpawnedServer,
  spawnServer,
  until,
} from '../server/test-support/spawn-server.js';
import { createPostgresDatabase, testDialects } from '../storage/test-support/databases.js';

const adminKey = 'colony-test-admin-key-delegation-0123456789abcdef';
const directive = (tool: string, input: unknown) => `/tool ${tool} ${JSON.stringify(input)}`;

function starts(file: string): number {
  if (!existsSync(file)) return 0;
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"event":"start"')).length;
}

function ends(file: string): number {
  if (!existsSync(file)) return 0;
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"event":"end"')).length;
}

function api<T>(server: SpawnedServer, method: string, path: string, body?: unknown): Promise<T> {
  return callApi<T>(server.url, adminKey, method, path, body);
}

describe.each(testDialects)('delegation survives SIGKILL on %s', (dialect) => {
  let server: SpawnedServer | undefined;
  let cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    await server?.kill('SIGKILL');
    for (const step of cleanup.reverse()) await step();
    cleanup = [];
  });

  it('a grandchild killed mid-run resumes, and every parent resumes with its result', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'colony-delegation-'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const database = dialect === 'postgres' ? await createPostgresDatabase() : undefined;
    if (database) cleanup.push(() => database.drop());
    const callLog = join(dataDir, 'model-calls.log');
    const env = {
      COLONY_DATA_DIR: dataDir,
      COLONY_PORT: String(await freePort()),
      COLONY_ADMIN_KEY: adminKey,
      COLONY_OFFLINE_DELAY_MS: '1000',
      COLONY_OFFLINE_CALL_LOG: callLog,
      COLONY_TASK_LEASE_MS: '2000',
      ...(database ? { COLONY_DATABASE_URL: database.url } : {}),
    };
    server = await spawnServer(env);
    for (const name of ['lead', 'middle', 'leaf'])
      await api(server, 'POST', '/v1/agents', { name, tools: ['delegate'] });
    const chat = await api<{ id: string }>(server, 'POST', '/v1/chats', { agent: 'lead' });
    const content = directive('delegate', {
      to: 'middle',
      task: `please ${directive('delegate', { to: 'leaf', task: 'count to three' })}`,
    });
    const posted = await api<{ run: { id: string } }>(server, 'POST', `/v1/chats/${chat.id}/messages`, {
      content,
    });
    // lead's first call, middle's first call, then the grandchild's call: kill while it runs.
    await until('the grandchild’s model call', () => (starts(callLog) >= 3 ? true : undefined));
    await server.kill('SIGKILL');
    expect(ends(callLog)).toBe(2);

    server = await spawnServer(env);
    const run = await until('the lead run to finish', async () => {
      const current = await api<{ status: string }>(
        server as SpawnedServer,
        'GET',
        `/v1/runs/${posted.run.id}`,
      );
      return ['succeeded', 'failed', 'canceled'].includes(current.status) ? current : undefined;
    });
    expect(run.status).toBe('succeeded');
    // 5 completed calls (lead ×2, middle ×2, leaf ×1) + the leaf call interrupted by the kill.
    expect(starts(callLog)).toBe(6);
    expect(ends(callLog)).toBe(5);
    const transcript = await api<{ messages: Array<{ role: string; content: string }> }>(
      server,
      'GET',
      `/v1/chats/${chat.id}/messages`,
    );
    expect(transcript.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    expect(transcript.messages[1]?.content.split('Tool delegate returned').length).toBe(3);
  }, 180_000);
});
