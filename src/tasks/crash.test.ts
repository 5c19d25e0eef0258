import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createEventBus } from '../events/index.js';
import { createIdGenerator, systemClock } from '../kernel/index.js';
import { createSilentLogger } from '../observability/index.js';
import { createTestDatabase, type TestDatabase, testDialects } from '../storage/test-support/databases.js';
import { enqueueTasks } from './enqueue-task.js';

const script = fileURLToPath(new URL('./test-support/crash-worker.ts', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const taskCount = 5000;
const workerCount = 4;

interface Worker {
  process: ChildProcess;
  pid: number;
}

function spawnWorker(url: string, name: string): Worker & { ready: Promise<void>; isReady(): boolean } {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    env: { ...process.env, COLONY_CRASH_URL: url, COLONY_CRASH_WORKER: name },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let isReady = false;
  const ready = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.stdout?.once('data', () => {
      isReady = true;
      resolve();
    });
  });
  return { process: child, pid: child.pid ?? -1, ready, isReady: () => isReady };
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

describe.each(testDialects)('crash safety on %s', (dialect) => {
  let test: TestDatabase | undefined;
  const workers: Worker[] = [];
  afterEach(async () => {
    for (const worker of workers) worker.process.kill('SIGKILL');
    await Promise.all(workers.map((worker) => exited(worker.process)));
    await test?.cleanup();
  });

  it(`runs ${taskCount} tasks exactly once each through ${workerCount} workers SIGKILLed at random`, async () => {
    test = await createTestDatabase(dialect);
    const { database, url } = test;
    await database.db.schema
      .createTable('crash_run')
      .addColumn('task_id', 'text', (column) => column.notNull())
      .addColumn('claim', 'integer', (column) => column.notNull())
      .addColumn('pid', 'integer', (column) => column.notNull())
      .addColumn('started_at', database.dialect.columnTypes.bigint, (column) => column.notNull())
      .addColumn('finished_at', database.dialect.columnTypes.bigint)
      .addPrimaryKeyConstraint('crash_run_pk', ['task_id', 'claim'])
      .execute();
    const services = {
      database,
      bus: createEventBus(),
      clock: systemClock,
      ids: createIdGenerator(),
      logger: createSilentLogger(),
    };
    const orgId = 'org_crash';
    for (let start = 0; start < taskCount; start += 1000) {
      await enqueueTasks(
        services,
        Array.from({ length: 1000 }, () => ({ orgId, kind: 'crash-effect', maxAttempts: 50 })),
      );
    }

    const names = Array.from({ length: workerCount }, (_, index) => `worker-${index}`);
    const live = names.map((name) => spawnWorker(url, name));
    workers.push(...live);
    await Promise.all(live.map((worker) => worker.ready));
    const killedAt = new Map<number, number>();
    const unfinished = async () => {
      const row = await database.db
        .selectFrom('task')
        .select((builder) => builder.fn.countAll<number>().as('count'))
        .where('status', '!=', 'succeeded')
        .executeTakeFirstOrThrow();
      return Number(row.count);
    };

    const started = Date.now();
    let kills = 0;
    let remaining = await unfinished();
    while (remaining > 0) {
      if (Date.now() - started > 50_000) throw new Error(`${remaining} tasks unfinished after 50 s`);
      await new Promise((resolve) => setTimeout(resolve, (kills < 5 ? 100 : 200) + Math.random() * 300));
      remaining = await unfinished();
      if (remaining === 0 || remaining < taskCount * 0.02 || kills >= 20) continue; // let the tail finish
      const index = Math.floor(Math.random() * live.length);
      const victim = live[index];
      if (!victim?.isReady()) continue; // kill workers that are working, not ones starting up
      killedAt.set(victim.pid, Date.now());
      victim.process.kill('SIGKILL');
      kills++;
      await exited(victim.process);
      const replacement = spawnWorker(url, names[index] ?? 'worker');
      live[index] = replacement;
      workers.push(replacement);
    }
    for (const worker of live) worker.process.kill('SIGTERM');
    await Promise.all(live.map((worker) => exited(worker.process)));

    expect(kills).toBeGreaterThanOrEqual(3);
    const statuses = await database.db
      .selectFrom('task')
      .select(['status', (builder) => builder.fn.countAll<number>().as('count')])
      .groupBy('status')
      .execute();
    expect(statuses.map((row) => [row.status, Number(row.count)])).toEqual([['succeeded', taskCount]]);

    const effects = await database.db
      .selectFrom('task_effect')
      .select([
        (builder) => builder.fn.countAll<number>().as('count'),
        (builder) => builder.fn.count<number>('task_id').distinct().as('tasks'),
      ])
      .executeTakeFirstOrThrow();
    expect(Number(effects.count)).toBe(taskCount);
    expect(Number(effects.tasks)).toBe(taskCount);

    // Attempts are counted: every attempt but the last left a `task_attempt` row (lease-expired).
    const tasks = await database.db.selectFrom('task').select(['id', 'attempts', 'claim_count']).execute();
    const attemptRows = await database.db.selectFrom('task_attempt').select(['task_id', 'outcome']).execute();
    const recorded = new Map<string, number>();
    for (const row of attemptRows) recorded.set(row.task_id, (recorded.get(row.task_id) ?? 0) + 1);
    for (const task of tasks) {
      expect(Number(task.attempts)).toBe(1 + (recorded.get(task.id) ?? 0));
      expect(Number(task.claim_count)).toBe(Number(task.attempts));
    }
    const retried = tasks.filter((task) => Number(task.attempts) > 1).length;

    // No task ran twice at the same time: per task, each handler run ended (or its process was
    // killed) before the next one started.
    const runs = await sql<{
      task_id: string;
      claim: number;
      pid: number;
      started_at: number;
      finished_at: number | null;
    }>`
      select task_id, claim, pid, started_at, finished_at from crash_run order by task_id, started_at`.execute(
      database.db,
    );
    let overlaps = 0;
    let previous: (typeof runs.rows)[number] | undefined;
    for (const run of runs.rows) {
      if (previous && previous.task_id === run.task_id) {
        const end =
          previous.finished_at === null
            ? (killedAt.get(Number(previous.pid)) ?? Number.POSITIVE_INFINITY)
            : Number(previous.finished_at);
        if (Number(run.started_at) < end) overlaps++;
      }
      previous = run;
    }
    expect(overlaps).toBe(0);
    console.info(
      `[crash ${dialect}] ${taskCount} tasks, ${kills} SIGKILLs, ${retried} tasks retried, ${attemptRows.length} lease-expired attempts, ${runs.rows.length} handler runs, ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 90_000);
});
