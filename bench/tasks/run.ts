/**
 * Task engine benchmarks: `node --import tsx bench/tasks/run.ts` (Postgres rows need a server at
 * COLONY_TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres; set
 * BENCH_SKIP_POSTGRES=1 to skip them). Prints a table and writes it to bench/RESULTS.md (## tasks).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Services } from '../../src/context/index.js';
import { createEventBus } from '../../src/events/index.js';
import { createIdGenerator, systemClock } from '../../src/kernel/index.js';
import { createSilentLogger } from '../../src/observability/index.js';
import type { Database, DialectName } from '../../src/storage/index.js';
import { createTestDatabase } from '../../src/storage/test-support/databases.js';
import {
  createWorkerPool,
  enqueueTask,
  enqueueTasks,
  type TaskHandler,
  type WorkerPoolOptions,
  waitForTask,
} from '../../src/tasks/index.js';
import { machineLine, markdownTable, percentile, writeSection } from '../shared/results.js';

interface Result {
  name: string;
  value: string;
  target: string;
  met: boolean | null;
}

const results: Result[] = [];
const record = (name: string, value: string, target: string, met: boolean | null) => {
  results.push({ name, value, target, met });
  console.log(`${name}: ${value} (target ${target})${met === false ? '  MISSED' : ''}`);
};

function services(database: Database): Services {
  return {
    database,
    bus: createEventBus(),
    clock: systemClock,
    ids: createIdGenerator(),
    logger: createSilentLogger(),
  };
}

async function countSucceeded(database: Database): Promise<number> {
  const row = await database.db
    .selectFrom('task')
    .select((builder) => builder.fn.countAll<number>().as('count'))
    .where('status', '=', 'succeeded')
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

async function untilSucceeded(database: Database, count: number): Promise<void> {
  while ((await countSucceeded(database)) < count) await new Promise((resolve) => setTimeout(resolve, 50));
}

async function withPool<T>(
  service: Services,
  options: Partial<WorkerPoolOptions> & Pick<WorkerPoolOptions, 'handlers'>,
  fn: () => Promise<T>,
): Promise<T> {
  const pool = createWorkerPool(service, { concurrency: 100, pollIntervalMs: 50, ...options });
  pool.start();
  try {
    return await fn();
  } finally {
    await pool.stop({ drainMs: 2000 });
  }
}

async function sqliteThroughput(): Promise<void> {
  const total = 100_000;
  const bench = await createTestDatabase('sqlite');
  const service = services(bench.database);
  const enqueueStart = performance.now();
  for (let start = 0; start < total; start += 5000) {
    await enqueueTasks(
      service,
      Array.from({ length: 5000 }, () => ({ orgId: 'org_bench', kind: 'bench-noop' })),
    );
  }
  const enqueueSeconds = (performance.now() - enqueueStart) / 1000;
  record(
    'SQLite enqueue (batches of 5,000)',
    `${Math.round(total / enqueueSeconds).toLocaleString('en')} tasks/s`,
    '—',
    null,
  );
  let ran = 0;
  let finished = () => {};
  const allRan = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const handlers = {
    'bench-noop': async () => {
      if (++ran === total) finished();
      return null;
    },
  };
  const started = performance.now();
  // Until every handler ran and the pool stopped: the last batch of successes is committed too.
  await withPool(service, { concurrency: 500, batchSize: 500, handlers }, () => allRan);
  const rate = total / ((performance.now() - started) / 1000);
  if ((await countSucceeded(bench.database)) !== total) throw new Error('not every task succeeded');
  record(
    'SQLite throughput, no-op handlers (1 process)',
    `${Math.round(rate).toLocaleString('en')} tasks/s`,
    '≥ 20,000 tasks/s',
    rate >= 20_000,
  );
  await bench.cleanup();
}

async function latency(dialect: DialectName): Promise<void> {
  const bench = await createTestDatabase(dialect);
  const service = services(bench.database);
  const samples: number[] = [];
  let resolveStart: ((at: number) => void) | undefined;
  const handlers: Record<string, TaskHandler> = {
    'bench-latency': async () => {
      resolveStart?.(performance.now());
      return null;
    },
  };
  await withPool(service, { concurrency: 4, handlers }, async () => {
    for (let index = 0; index < 1200; index++) {
      const started = new Promise<number>((resolve) => {
        resolveStart = resolve;
      });
      const before = performance.now();
      await enqueueTask(service, { orgId: 'org_bench', kind: 'bench-latency' });
      const at = await started;
      if (index >= 200) samples.push(at - before); // the first 200 warm up
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  });
  samples.sort((a, b) => a - b);
  const p50 = percentile(samples, 50);
  const p99 = percentile(samples, 99);
  const label = dialect === 'sqlite' ? 'SQLite' : 'Postgres (same process, LISTEN/NOTIFY)';
  record(
    `${label} enqueue→start latency p50 / p99`,
    `${p50.toFixed(2)} ms / ${p99.toFixed(2)} ms`,
    dialect === 'sqlite' ? '≤ 1 ms / ≤ 10 ms' : '—',
    dialect === 'sqlite' ? p50 <= 1 && p99 <= 10 : null,
  );
  await bench.cleanup();
}

async function postgresWorkers(): Promise<void> {
  const total = 100_000;
  const bench = await createTestDatabase('postgres');
  const service = services(bench.database);
  const script = fileURLToPath(new URL('./worker.ts', import.meta.url));
  // Delayed tasks: the workers start, then all tasks become due at once.
  const startAt = Date.now() + 60_000;
  for (let start = 0; start < total; start += 5000) {
    await enqueueTasks(
      service,
      Array.from({ length: 5000 }, () => ({ orgId: 'org_bench', kind: 'bench-noop', runAt: startAt })),
    );
  }
  const children = Array.from({ length: 4 }, () =>
    spawn(process.execPath, ['--import', 'tsx', script, bench.url], { stdio: ['ignore', 'pipe', 'inherit'] }),
  );
  await Promise.all(children.map((child) => new Promise((resolve) => child.stdout?.once('data', resolve))));
  await bench.database.db.updateTable('task').set({ run_at: Date.now() }).execute();
  const started = performance.now();
  await untilSucceeded(bench.database, total);
  const rate = total / ((performance.now() - started) / 1000);
  record(
    'Postgres throughput, 4 worker processes',
    `${Math.round(rate).toLocaleString('en')} tasks/s`,
    '≥ 5,000 tasks/s',
    rate >= 5000,
  );
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((child) => new Promise((resolve) => child.once('exit', resolve))));
  await bench.cleanup();
}

async function stepChain(dialect: DialectName): Promise<void> {
  const runs = 300;
  const bench = await createTestDatabase(dialect);
  const service = services(bench.database);
  const perStep: number[] = [];
  const handlers: Record<string, TaskHandler> = {
    // Times ten no-op steps inside the handler against ten plain awaited no-ops: the difference is
    // what durability costs per step (a stored result), without queueing noise.
    chain: async (context) => {
      const noop = async (value: number) => value + 1;
      let value = 0;
      const plainStart = performance.now();
      for (let step = 0; step < 10; step++) value = await noop(value);
      const plain = performance.now() - plainStart;
      const durableStart = performance.now();
      for (let step = 0; step < 10; step++) value = await context.step(`step-${step}`, () => noop(value));
      perStep.push((performance.now() - durableStart - plain) / 10);
      return value;
    },
  };
  await withPool(service, { concurrency: 1, handlers }, async () => {
    for (let index = 0; index < runs; index++) {
      const task = await enqueueTask(service, { orgId: 'org_bench', kind: 'chain' });
      await waitForTask(service, task.id, { timeoutMs: 10_000, pollMs: 1 });
    }
  });
  const measured = perStep.slice(50).sort((a, b) => a - b); // the first 50 warm up
  const p50 = percentile(measured, 50);
  const mean = measured.reduce((sum, value) => sum + value, 0) / measured.length;
  const label = dialect === 'sqlite' ? 'SQLite' : 'Postgres';
  record(
    `${label} durable 10-step chain, overhead per step() (p50 / mean)`,
    `${p50.toFixed(3)} ms / ${mean.toFixed(3)} ms`,
    dialect === 'sqlite' ? '≤ 0.1 ms' : '—',
    dialect === 'sqlite' ? mean <= 0.1 : null,
  );
  await bench.cleanup();
}

async function fanOut(dialect: DialectName): Promise<void> {
  const runs = 50;
  const bench = await createTestDatabase(dialect);
  const service = services(bench.database);
  const times: number[] = [];
  await withPool(
    service,
    { concurrency: 100, batchSize: 100, handlers: { branch: async () => null, join: async () => null } },
    async () => {
      for (let index = 0; index < runs + 5; index++) {
        const started = performance.now();
        const branches = await enqueueTasks(
          service,
          Array.from({ length: 100 }, () => ({ orgId: 'org_bench', kind: 'branch' })),
        );
        const join = await enqueueTask(service, {
          orgId: 'org_bench',
          kind: 'join',
          dependsOn: branches.map((task) => task.id),
        });
        await waitForTask(service, join.id, { timeoutMs: 10_000, pollMs: 1 });
        if (index >= 5) times.push(performance.now() - started);
      }
    },
  );
  times.sort((a, b) => a - b);
  const p50 = percentile(times, 50);
  const label = dialect === 'sqlite' ? 'SQLite' : 'Postgres';
  record(
    `${label} 100-branch fan-out + join, per run (p50 / p90)`,
    `${p50.toFixed(2)} ms / ${percentile(times, 90).toFixed(2)} ms`,
    dialect === 'sqlite' ? '≤ 10 ms' : '— (target is for embedded)',
    dialect === 'sqlite' ? p50 <= 10 : null,
  );
  await bench.cleanup();
}

function writeResults(): void {
  const rows = results.map((result) => [
    result.name,
    result.value,
    result.target,
    result.met === null ? '—' : result.met ? 'yes' : '**no**',
  ]);
  writeSection(
    'tasks',
    `${machineLine()} · \`node --import tsx bench/tasks/run.ts\`\n\n${markdownTable(['measurement', 'result', 'target', 'met'], rows)}`,
  );
}

const withPostgres = process.env.BENCH_SKIP_POSTGRES !== '1';
// Small measurements first: the 100,000-task run leaves a large heap behind (GC noise).
await latency('sqlite');
await stepChain('sqlite');
await fanOut('sqlite');
await sqliteThroughput();
if (withPostgres) {
  await postgresWorkers();
  await latency('postgres');
  await stepChain('postgres');
  await fanOut('postgres');
}
console.table(results.map(({ name, value, target, met }) => ({ name, value, target, met })));
writeResults();
