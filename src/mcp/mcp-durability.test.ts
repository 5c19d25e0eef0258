import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  callApi,
  freePort,
  type SpawnedServer,
  spawnServer,
  until,
} from '../server/test-support/spawn-server.js';
import { createPostgresDatabase, testDialects } from '../storage/test-support/databases.js';
import { fixtureCalls, fixtureServerPath } from './test-support/fixture.js';

const adminKey = 'colony-test-admin-key-0123456789abcdefghijklmnop';

interface RunView {
  status: string;
  steps: Array<{ kind: string; toolName: string | null; status: string }>;
}

/** Child processes of `pid` (the stdio MCP servers a Colony process started). */
function childrenOf(pid: number | undefined): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function modelCalls(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { event: string }).event);
}

describe.each(testDialects)('MCP tool calls survive SIGKILL on %s', (dialect) => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let server: SpawnedServer | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  let callsFile: string;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'colony-mcp-crash-'));
    callsFile = join(dataDir, 'mcp-calls.txt');
    const database = dialect === 'postgres' ? await createPostgresDatabase() : undefined;
    dropDatabase = database?.drop;
    env = {
      COLONY_DATA_DIR: dataDir,
      COLONY_PORT: String(await freePort()),
      COLONY_ADMIN_KEY: adminKey,
      COLONY_OFFLINE_DELAY_MS: '1200',
      COLONY_OFFLINE_CALL_LOG: join(dataDir, 'model-calls.log'),
      COLONY_TASK_LEASE_MS: '2000',
      // A config-file server: trusted, offered to every org.
      COLONY_MCP_SERVERS: JSON.stringify({
        fixture: {
          command: process.execPath,
          args: [fixtureServerPath],
          env: { MCP_FIXTURE_CALLS: callsFile },
        },
      }),
      ...(database ? { COLONY_DATABASE_URL: database.url } : {}),
    };
  });

  afterEach(async () => {
    await server?.kill('SIGKILL');
    await dropDatabase?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a completed MCP call is not repeated after a crash, and no stdio server outlives Colony', async () => {
    server = await spawnServer(env);
    const api = <T>(method: string, path: string, body?: unknown) =>
      callApi<T>((server as SpawnedServer).url, adminKey, method, path, body);
    await api('POST', '/v1/agents', { name: 'counter', tools: ['mcp:fixture/count'] });
    const chat = await api<{ id: string }>('POST', '/v1/chats', { agent: 'counter' });
    const posted = await api<{ run: { id: string } }>('POST', `/v1/chats/${chat.id}/messages`, {
      content: '/tool mcp__fixture__count {"label":"once"}',
    });
    // The second model call starts only after the MCP call and its step are persisted.
    const logFile = String(env.COLONY_OFFLINE_CALL_LOG);
    await until('the second model call', () =>
      modelCalls(logFile).filter((event) => event === 'start').length >= 2 ? true : undefined,
    );
    const stdioServers = childrenOf(server.child.pid);
    expect(stdioServers.length).toBeGreaterThan(0);
    await server.kill('SIGKILL');
    expect(fixtureCalls(callsFile)).toEqual(['once']);
    // Killed without a chance to clean up, Colony still leaves no server behind: each one exits
    // when its stdin closes.
    await until('the orphaned stdio servers to exit', () =>
      stdioServers.every((pid) => !alive(pid)) ? true : undefined,
    );

    server = await spawnServer(env);
    const run = await until('the run to finish', async () => {
      const current = await api<RunView>('GET', `/v1/runs/${posted.run.id}`);
      return ['succeeded', 'failed', 'canceled'].includes(current.status) ? current : undefined;
    });
    expect(run.status).toBe('succeeded');
    expect(run.steps.map((step) => `${step.kind}:${step.toolName ?? ''}:${step.status}`)).toEqual([
      'model::completed',
      'tool:mcp__fixture__count:completed',
      'model::completed',
    ]);
    expect(fixtureCalls(callsFile)).toEqual(['once']);

    // The resumed run listed the server's tools again: a stdio server runs; a graceful stop kills it.
    const restarted = childrenOf(server.child.pid);
    expect(restarted.length).toBeGreaterThan(0);
    await server.kill('SIGTERM');
    expect(restarted.filter(alive)).toEqual([]);
  }, 120_000);
});
