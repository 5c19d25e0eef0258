// bench/api: latency of the HTTP API under 50 concurrent connections, and idle RSS of `colony serve`.
// Run: npm run build && node --import tsx bench/api/run.ts   (writes the "api" section of bench/RESULTS.md)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { machineLine, markdownTable, percentile, writeSection } from '../shared/results.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const key = 'colony-bench-admin-key-0123456789abcdefghijklmnop';
const port = 7790 + Math.floor(Math.random() * 100);
const base = `http://127.0.0.1:${port}`;
const connections = 50;
const durationSeconds = Number(process.env.BENCH_SECONDS ?? 10);

function rssMegabytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

async function waitForHealth(url = base): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('server did not become healthy');
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

const warmUpSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);

/**
 * Drives the route for `warmUpSeconds` without recording, then measures. Without the warm-up the
 * first second (JIT compilation, young-generation growth, first statement preparations) runs at
 * half speed and its latencies alone decide p95 and p99 of a 10 s run.
 */
interface LoadOptions {
  /** The server to load; Colony's unless given. */
  url?: string;
  method: 'GET' | 'POST';
  paths: string[];
  body?: string;
  expect: number;
}

/**
 * Every connection sends its next request as soon as the last one is answered, so the mean
 * latency is 50 ÷ throughput (Little's law) whatever a single request costs; p95 is that mean
 * times the spread that stalls (garbage collection, WAL checkpoints) and batching add.
 */
async function load(title: string, options: LoadOptions): ReturnType<typeof measure> {
  if (warmUpSeconds > 0) await measure(title, options, warmUpSeconds);
  return measure(title, options, durationSeconds);
}

async function measure(
  title: string,
  options: LoadOptions,
  seconds: number,
): Promise<{
  title: string;
  requests: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  rps: number;
}> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  let finish: (result: autocannon.Result) => void = () => {};
  let fail: (error: Error) => void = () => {};
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const instance = autocannon(
    {
      url: options.url ?? base,
      connections,
      duration: seconds,
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      requests: [
        {
          method: options.method,
          setupRequest: (request) => {
            const path = options.paths[next++ % options.paths.length] ?? '/';
            return { ...request, path, ...(options.body ? { body: options.body } : {}) };
          },
        },
      ],
    },
    (error, result) => (error ? fail(error) : finish(result)),
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode !== options.expect) errors++;
    latencies.push(responseTime);
  });
  const result = await done;
  latencies.sort((a, b) => a - b);
  return {
    title,
    requests: latencies.length,
    errors: errors + result.errors + result.non2xx - (options.expect >= 300 ? latencies.length : 0),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    rps: Math.round(latencies.length / seconds),
  };
}

function startColony(extraEnv: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'colony-bench-api-'));
  const child = spawn(process.execPath, [join(root, 'dist/cli/main.js'), 'serve'], {
    env: {
      ...process.env,
      COLONY_DATA_DIR: dataDir,
      COLONY_PORT: String(port),
      COLONY_ADMIN_KEY: key,
      COLONY_LOG_LEVEL: 'warn',
      COLONY_LOG_FORMAT: 'json',
      COLONY_RATE_LIMIT_PER_MINUTE: '0',
      ...extraEnv,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return {
    pid: child.pid ?? 0,
    dataDir,
    /** Stops the server; its data dir is removed unless `keepData`. */
    async stop(options: { keepData?: boolean } = {}) {
      // Still running (a server that exited, by a code or a signal, would never emit 'exit' again).
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The floor (bench/api/floor-server.ts): plain node:http and better-sqlite3 serving the same
 * agents from the same database file. It runs where Colony ran, right after it, so the two rows
 * say how much of a read's cost is Colony's and how much is the machine's.
 */
async function measureFloor(databaseFile: string, colonyAgents: string) {
  const floorPort = port + 100;
  const url = `http://127.0.0.1:${floorPort}`;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'bench/api/floor-server.ts'), databaseFile, String(floorPort)],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  try {
    await waitForHealth(url);
    const floorAgents = await (
      await fetch(`${url}/v1/agents`, { headers: { Authorization: `Bearer ${key}` } })
    ).text();
    if (floorAgents !== colonyAgents) throw new Error('the floor does not serve what Colony serves');
    return [
      await load('floor: plain node:http `GET /healthz`', {
        url,
        method: 'GET',
        paths: ['/healthz'],
        expect: 200,
      }),
      await load('floor: plain node:http + better-sqlite3 `GET /v1/agents` (same data, same JSON)', {
        url,
        method: 'GET',
        paths: ['/v1/agents'],
        expect: 200,
      }),
    ];
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

async function setUpChats(): Promise<string[]> {
  await call('POST', '/v1/agents', { name: 'bench', instructions: 'Answer briefly.' });
  for (let index = 0; index < 20; index++) await call('POST', '/v1/agents', { name: `filler-${index}` });
  const chats: string[] = [];
  for (let index = 0; index < 50; index++) {
    chats.push((await call<{ id: string }>('POST', '/v1/chats', { agent: 'bench' })).id);
  }
  return chats;
}

const postBody = JSON.stringify({ content: 'hello there, how are you?' });

// Scenario 1: the embedded default, API and workers in one process.
const embedded = startColony({});
let idleRss = 0;
let loadedRss = 0;
const results: Array<Awaited<ReturnType<typeof measure>>> = [];
try {
  await waitForHealth();
  await new Promise((resolve) => setTimeout(resolve, 3000));
  idleRss = rssMegabytes(embedded.pid);
  const chats = await setUpChats();
  results.push(
    await load('GET /v1/agents (21 agents)', { method: 'GET', paths: ['/v1/agents'], expect: 200 }),
  );
  // Before the accepts: afterwards the same process is still running their answers.
  results.push(await load('GET /healthz', { method: 'GET', paths: ['/healthz'], expect: 200 }));
  results.push(
    await load('POST /v1/chats/:id/messages — accept while the same process runs every answer', {
      method: 'POST',
      paths: chats.map((chat) => `/v1/chats/${chat}/messages`),
      body: postBody,
      expect: 202,
    }),
  );
  loadedRss = rssMegabytes(embedded.pid);
  const colonyAgents = JSON.stringify(await call('GET', '/v1/agents'));
  await embedded.stop({ keepData: true });
  results.push(...(await measureFloor(join(embedded.dataDir, 'colony.db'), colonyAgents)));
} finally {
  await embedded.stop();
}

// Scenario 2: an API process without workers (`serve --no-workers`): the cost of accepting alone.
const apiOnly = startColony({ COLONY_NO_WORKERS: 'true' });
try {
  await waitForHealth();
  const chats = await setUpChats();
  results.push(
    await load('POST /v1/chats/:id/messages — accept only (`serve --no-workers`)', {
      method: 'POST',
      paths: chats.map((chat) => `/v1/chats/${chat}/messages`),
      body: postBody,
      expect: 202,
    }),
  );
} finally {
  await apiOnly.stop();
}

const rows = results.map((row) => [
  row.title,
  connections,
  row.requests,
  row.rps,
  row.p50.toFixed(2),
  row.p95.toFixed(2),
  row.p99.toFixed(2),
  row.errors,
]);
const table = markdownTable(
  ['route', 'connections', 'requests', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors'],
  rows,
);
/** How Colony's read compares with the floor's, in the same run. */
function floorLine(): string {
  const colony = results.find((row) => row.title.startsWith('GET /v1/agents'));
  const floor = results.find((row) => row.title.startsWith('floor: plain node:http + better-sqlite3'));
  if (!colony || !floor) return '';
  return `The floor rows serve the same agents from the same database file with plain node:http and better-sqlite3 and nothing else (bench/api/floor-server.ts; the bench checks that both answer the same bytes), right after Colony on the same machine: Colony serves ${Math.round((100 * colony.rps) / floor.rps)}% of the floor's reads per second, and the floor's p95 is ${floor.p95.toFixed(1)} ms against the 10 ms target.`;
}

const body = [
  machineLine(),
  '',
  `Command: \`npm run bench:api\` (${durationSeconds} s per row after a ${warmUpSeconds} s warm-up that is not recorded, autocannon with ${connections} connections in the same 2-core machine, SQLite embedded default, offline model).`,
  '',
  table,
  '',
  `Idle RSS of \`colony serve\` (3 s after start): **${idleRss.toFixed(1)} MB** (target ≤ 120 MB); after the load: ${loadedRss.toFixed(1)} MB.`,
  '',
  floorLine(),
  '',
  'Targets: p95 ≤ 10 ms for reads, ≤ 25 ms to accept a message, at 50 connections. Every connection sends again as soon as it is answered, so the mean latency is 50 ÷ throughput whatever a request costs, and p95 is that mean times the spread: with p95 about 1.2–1.4 × the mean, the targets ask for about 6,000–7,000 reads/s and 2,400–2,800 accepts/s from one Node process on the core the load generator leaves. The row that accepts while the same process runs every answer measures how that core is shared with the runs, which cannot keep up with 50 senders (the backlog grows by thousands a second); the accept-only row measures accepting. See docs/decisions/0010-api-latency-targets.md.',
].join('\n');
console.log(body);
writeSection('api', body);
