import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, type ServeProcess, startServe } from '../cli/test-support/cli-process.js';
import { readSse, type SseMessage } from '../client/index.js';
import { createPostgresDatabase, testDialects } from '../storage/test-support/databases.js';
import { freePort } from './test-support/spawn-server.js';

// Issue 15 item 9: two API processes on one Postgres. Readers on process B are made to wait
// ten minutes between polls, so an event that process A commits can reach them quickly only
// through NATS; with NATS unreachable, a short poll still delivers everything.

const adminKey = 'colony-test-admin-key-0123456789abcdefghijklmnop';
const natsUrl = process.env.COLONY_TEST_NATS_URL;

interface Pair {
  a: ServeProcess;
  b: ServeProcess;
  stop(): Promise<void>;
}

async function startPair(databaseUrl: string, extra: NodeJS.ProcessEnv): Promise<Pair> {
  const dirs: string[] = [];
  const start = async (args: string[]) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'colony-fan-out-'));
    dirs.push(dataDir);
    const env = cleanEnv({
      COLONY_DATA_DIR: dataDir,
      COLONY_DATABASE_URL: databaseUrl,
      COLONY_ADMIN_KEY: adminKey,
      COLONY_PORT: String(await freePort()),
      COLONY_OFFLINE_DELAY_MS: '20',
      COLONY_LOG_LEVEL: 'warn',
      ...extra,
    });
    return startServe(env, args);
  };
  const a = await start([]);
  const b = await start(['--no-workers']);
  return {
    a,
    b,
    async stop() {
      await b.stop();
      await a.stop();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function api<T>(server: ServeProcess, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as T;
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** Opens an SSE stream and collects its messages until `done` says so or `ms` pass. */
async function collect(
  server: ServeProcess,
  path: string,
  done: (messages: SseMessage[]) => boolean,
  ms: number,
  whenOpen: () => Promise<void>,
): Promise<SseMessage[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  const messages: SseMessage[] = [];
  try {
    const response = await fetch(`${server.url}${path}`, {
      headers: { Authorization: `Bearer ${adminKey}`, Accept: 'text/event-stream' },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    if (!response.body) throw new Error('no body');
    await whenOpen();
    for await (const message of readSse(response.body)) {
      messages.push(message);
      if (done(messages)) break;
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return messages;
}

const hasEvent = (name: string) => (messages: SseMessage[]) => messages.some((m) => m.event === name);

describe.runIf(testDialects.includes('postgres') && natsUrl)('event fan-out through NATS', () => {
  let drop: () => Promise<void>;
  let databaseUrl: string;

  beforeAll(async () => {
    const database = await createPostgresDatabase();
    databaseUrl = database.url;
    drop = database.drop;
  });
  afterAll(async () => {
    await drop?.();
  });

  it('wakes a reader on another process at once, and relays its live text', {
    timeout: 120_000,
  }, async () => {
    const pair = await startPair(databaseUrl, {
      COLONY_NATS_URL: natsUrl,
      COLONY_EVENT_POLL_MS: '600000',
    });
    try {
      // Both processes subscribe in the background after start; give them a moment.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const created = await collect(pair.b, '/v1/events', hasEvent('agent-created'), 20_000, async () => {
        await api(pair.a, 'POST', '/v1/agents', { name: 'fan-out' });
      });
      expect(created.map((message) => message.event)).toContain('agent-created');

      // B runs no workers: A runs the answer, and B's run stream shows its text as it is written.
      const chat = await api<{ id: string }>(pair.b, 'POST', '/v1/chats', { agent: 'fan-out' });
      const posted = await api<{ run: { id: string } }>(pair.b, 'POST', `/v1/chats/${chat.id}/messages`, {
        content: 'tell me something long enough to stream in pieces',
      });
      const run = await collect(
        pair.b,
        `/v1/runs/${posted.run.id}/events`,
        hasEvent('run-succeeded'),
        30_000,
        async () => {},
      );
      const names = run.map((message) => message.event);
      expect(names).toContain('run-succeeded');
      expect(names).toContain('run-text-delta');
    } finally {
      await pair.stop();
    }
  });

  it('starts without NATS and delivers everything by polling', { timeout: 120_000 }, async () => {
    const unreachable = `nats://127.0.0.1:${await freePort()}`;
    const pair = await startPair(databaseUrl, { COLONY_NATS_URL: unreachable, COLONY_EVENT_POLL_MS: '200' });
    try {
      const messages = await collect(
        pair.b,
        '/v1/events',
        (seen) => seen.filter((message) => message.event === 'agent-created').length === 5,
        30_000,
        async () => {
          for (let index = 0; index < 5; index++) {
            await api(pair.a, 'POST', '/v1/agents', { name: `polled-${index}` });
          }
        },
      );
      expect(messages.filter((message) => message.event === 'agent-created')).toHaveLength(5);
    } finally {
      await pair.stop();
    }
  });
});
