import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliProcess,
  cleanEnv,
  runCli,
  type ServeProcess,
  startCli,
  startServe,
} from '../cli/test-support/cli-process.js';
import { createPostgresDatabase, testDialects } from '../storage/test-support/databases.js';
import { freePort } from './test-support/spawn-server.js';

// Issue 3, item 2: one `colony serve --no-workers` and two `colony worker` processes on one
// Postgres share agent runs — each run executes once, in one process, never in the API process.

const adminKey = 'colony-test-admin-key-0123456789abcdefghijklmnop';
const chats = 10;
const messagesPerChat = 4;

interface Task {
  id: string;
  status: string;
  lockedBy: string | null;
  claimCount: number;
  attempts: number;
  payload: { runId: string };
}

interface Run {
  id: string;
  status: string;
  taskId: string;
  createdAt: number;
  startedAt: number | null;
}

function callLog(file: string): Array<{ event: string; pid: number }> {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { event: string; pid: number });
}

const pidOf = (workerId: string) => Number(workerId.split(':')[1]);

describe.runIf(testDialects.includes('postgres'))('serve --no-workers + 2 workers on Postgres', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let drop: () => Promise<void>;
  let serve: ServeProcess;
  const workers: CliProcess[] = [];

  async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${serve.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await response.json()) as T;
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(json)}`);
    return json;
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'colony-multi-'));
    const database = await createPostgresDatabase();
    drop = database.drop;
    env = cleanEnv({
      COLONY_DATA_DIR: dataDir,
      COLONY_DATABASE_URL: database.url,
      COLONY_ADMIN_KEY: adminKey,
      COLONY_PORT: String(await freePort()),
      COLONY_OFFLINE_DELAY_MS: '50',
      COLONY_OFFLINE_CALL_LOG: join(dataDir, 'model-calls.log'),
      COLONY_LOG_LEVEL: 'warn',
      COLONY_LOG_FORMAT: 'json',
    });
    serve = await startServe(env, ['--no-workers', '--json']);
    for (let index = 0; index < 2; index++) {
      const worker = startCli(['worker', '--json', '--workers', '4'], env);
      workers.push(worker);
      await worker.waitFor(/"role": "worker"/, { timeoutMs: 30_000 });
    }
  }, 90_000);

  afterAll(async () => {
    for (const worker of workers) {
      if (worker.child.exitCode === null) worker.child.kill('SIGTERM');
      await worker.exited;
    }
    await serve?.stop();
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('shares 40 runs over 10 chats: each runs once, in one worker process, none in serve', async () => {
    await api('POST', '/v1/agents', { name: 'helper' });
    const chatIds: string[] = [];
    for (let index = 0; index < chats; index++) {
      chatIds.push((await api<{ id: string }>('POST', '/v1/chats', { agent: 'helper' })).id);
    }
    const runIds: string[] = [];
    const holders = new Map<string, Set<string>>();
    const watch = setInterval(() => {
      void api<{ tasks: Task[] }>('GET', '/v1/tasks?kind=agent-run&status=running&limit=500')
        .then(({ tasks }) => {
          for (const task of tasks) {
            if (!task.lockedBy) continue;
            const seen = holders.get(task.id) ?? new Set<string>();
            seen.add(task.lockedBy);
            holders.set(task.id, seen);
          }
        })
        .catch(() => {});
    }, 15);
    try {
      for (let round = 0; round < messagesPerChat; round++) {
        for (const chatId of chatIds) {
          const posted = await api<{ run: { id: string } }>('POST', `/v1/chats/${chatId}/messages`, {
            content: `message ${round} to ${chatId}`,
          });
          runIds.push(posted.run.id);
        }
      }
      const deadline = Date.now() + 90_000;
      for (;;) {
        const { tasks } = await api<{ tasks: Task[] }>('GET', '/v1/tasks?kind=agent-run&limit=500');
        if (tasks.length === runIds.length && tasks.every((task) => task.status === 'succeeded')) break;
        if (Date.now() > deadline)
          throw new Error(`runs did not finish: ${JSON.stringify(tasks.map((t) => t.status))}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      clearInterval(watch);
    }

    const runs = await Promise.all(runIds.map((id) => api<Run>('GET', `/v1/runs/${id}`)));
    expect(runs.every((run) => run.status === 'succeeded')).toBe(true);
    // Exactly one claim per run task: one execution, by one worker, with no reclaim or retry.
    const tasks = await Promise.all(runs.map((run) => api<Task>('GET', `/v1/tasks/${run.taskId}`)));
    expect(tasks.map((task) => [task.claimCount, task.attempts])).toEqual(tasks.map(() => [1, 1]));

    const workerPids = workers.map((worker) => worker.child.pid);
    const servePid = serve.child.pid;
    // Every run seen running was held by one worker process the whole time, never by serve.
    expect(holders.size).toBeGreaterThan(0);
    for (const seen of holders.values()) {
      expect(seen.size).toBe(1);
      for (const holder of seen) expect(workerPids).toContain(pidOf(holder));
    }

    // One offline model call per run (none repeated, none aborted), all in the worker processes.
    const calls = callLog(String(env.COLONY_OFFLINE_CALL_LOG));
    const starts = calls.filter((line) => line.event === 'start');
    expect(starts).toHaveLength(runIds.length);
    expect(calls.filter((line) => line.event === 'end')).toHaveLength(runIds.length);
    expect(calls.filter((line) => line.event === 'abort')).toHaveLength(0);
    const byPid = new Map<number, number>();
    for (const line of starts) byPid.set(line.pid, (byPid.get(line.pid) ?? 0) + 1);
    expect(byPid.get(servePid ?? -1)).toBeUndefined();
    for (const pid of workerPids) expect(byPid.get(pid ?? -1) ?? 0).toBeGreaterThan(0);
    expect([...byPid.keys()].every((pid) => workerPids.includes(pid))).toBe(true);

    // The CLI sees the same over the typed client.
    const listed = await runCli(
      [
        'task',
        'list',
        '--kind',
        'agent-run',
        '--status',
        'succeeded',
        '--all',
        '--json',
        '--url',
        serve.url,
        '--key',
        adminKey,
      ],
      env,
    );
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { tasks: Task[] }).tasks).toHaveLength(runIds.length);
    const shown = await runCli(
      ['task', 'show', tasks[0]?.id ?? '', '--url', serve.url, '--key', adminKey],
      env,
    );
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('succeeded');
  }, 150_000);

  it('wakes idle workers in other processes at once (LISTEN/NOTIFY), not on the 1 s poll', async () => {
    const chat = await api<{ id: string }>('POST', '/v1/chats', { agent: 'helper' });
    const latencies: number[] = [];
    for (let index = 0; index < 6; index++) {
      // Let the workers go idle: without a notification they would wait for their next poll.
      await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 300));
      const posted = await api<{ run: { id: string } }>('POST', `/v1/chats/${chat.id}/messages`, {
        content: `ping ${index}`,
      });
      let run: Run;
      for (;;) {
        run = await api<Run>('GET', `/v1/runs/${posted.run.id}`);
        if (run.status === 'succeeded') break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      latencies.push((run.startedAt ?? Number.POSITIVE_INFINITY) - run.createdAt);
    }
    latencies.sort((a, b) => a - b);
    // Polling alone would give a median around 500 ms (uniform over the 1 s interval).
    expect(latencies[Math.floor(latencies.length / 2)]).toBeLessThan(200);
  }, 60_000);
});
