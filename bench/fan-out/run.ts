/**
 * Fan-out bench: how long an event committed by one API process takes to reach an SSE reader on
 * another process of the same Postgres — with NATS (`COLONY_NATS_URL`) and without (the reader's
 * poll, `eventPollMs`, default 1 s) — against a reader on the same process. Each sample: `POST /v1/agents` on process A, timed from just
 * before the request until process B's `/v1/events` stream yields that agent's `agent-created`.
 * It includes A's request and commit, so it is what a user watching B sees. Target (issue 15):
 * none given; the point is the gap. Writes `## fan-out` in bench/RESULTS.md.
 *
 *   COLONY_TEST_NATS_URL=nats://127.0.0.1:4222 node --import tsx bench/fan-out/run.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, type ServeProcess, startServe } from '../../src/cli/test-support/cli-process.js';
import { readSse } from '../../src/client/index.js';
import { freePort } from '../../src/server/test-support/spawn-server.js';
import { createPostgresDatabase } from '../../src/storage/test-support/databases.js';
import { machineLine, markdownTable, percentile, writeSection } from '../shared/results.js';

const samples = Number(process.env.BENCH_SAMPLES ?? 100);
const natsUrl = process.env.COLONY_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const adminKey = 'colony-bench-admin-key-0123456789abcdefghijklmnop';

async function startPair(databaseUrl: string, extra: NodeJS.ProcessEnv) {
  const dirs: string[] = [];
  const start = async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'colony-bench-fan-out-'));
    dirs.push(dataDir);
    return startServe(
      cleanEnv({
        COLONY_DATA_DIR: dataDir,
        COLONY_DATABASE_URL: databaseUrl,
        COLONY_ADMIN_KEY: adminKey,
        COLONY_PORT: String(await freePort()),
        COLONY_LOG_LEVEL: 'warn',
        COLONY_RATE_LIMIT_PER_MINUTE: '0',
        ...extra,
      }),
      ['--no-workers'],
    );
  };
  const a = await start();
  const b = await start();
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

/** Milliseconds from each create on `a` until `reader`'s event stream shows it. */
async function measure(a: ServeProcess, reader: ServeProcess, label: string): Promise<number[]> {
  const controller = new AbortController();
  const response = await fetch(`${reader.url}/v1/events`, {
    headers: { Authorization: `Bearer ${adminKey}` },
    signal: controller.signal,
  });
  if (!response.body) throw new Error('no event stream');
  const waiting = new Map<string, (at: number) => void>();
  const reading = (async () => {
    for await (const message of readSse(response.body as ReadableStream<Uint8Array>)) {
      if (message.event !== 'agent-created') continue;
      const at = performance.now();
      const { payload } = JSON.parse(message.data) as { payload: { name: string } };
      waiting.get(payload.name)?.(at);
    }
  })().catch(() => {});
  const times: number[] = [];
  for (let index = 0; index < samples + 5; index++) {
    const name = `${label}-${index}`;
    const seen = new Promise<number>((resolve) => waiting.set(name, resolve));
    const started = performance.now();
    const created = await fetch(`${a.url}/v1/agents`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    if (created.status !== 201) throw new Error(`create → ${created.status}`);
    const at = await seen;
    if (index >= 5) times.push(at - started);
    // A random pause over a whole poll period: creates do not line up with the reader's poll.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 1000));
  }
  controller.abort();
  await reading;
  return times.sort((x, y) => x - y);
}

const database = await createPostgresDatabase();
const rows: string[][] = [];
try {
  for (const [label, extra, title] of [
    ['local', {}, 'the same process (reader on A: its in-process bus)'],
    ['nats', { COLONY_NATS_URL: natsUrl }, 'another process, with NATS JetStream (`COLONY_NATS_URL`)'],
    ['poll', { COLONY_EVENT_POLL_MS: '1000' }, 'another process, without NATS (poll every 1 s)'],
  ] as const) {
    const pair = await startPair(database.url, extra);
    try {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const times = await measure(pair.a, label === 'local' ? pair.a : pair.b, label);
      const row = [
        title,
        `${percentile(times, 50).toFixed(1)} ms`,
        `${percentile(times, 95).toFixed(1)} ms`,
        String(times.length),
      ];
      rows.push(row);
      console.log(row.join('  '));
    } finally {
      await pair.stop();
    }
  }
} finally {
  await database.drop();
}

writeSection(
  'fan-out',
  `${machineLine()} · \`node --import tsx bench/fan-out/run.ts\`

Two \`colony serve --no-workers\` on one Postgres. Timed: from just before \`POST /v1/agents\` on
process A until the reader's \`/v1/events\` SSE stream yields that \`agent-created\` (A's request
and commit included). Creates are spaced by a random pause of 0–1 s.

${markdownTable(['an event reaches a reader on', 'p50', 'p95', 'samples'], rows)}`,
);
