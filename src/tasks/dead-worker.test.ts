import { type ChildProcess, spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createEventBus } from '../events/index.js';
import { createIdGenerator, systemClock } from '../kernel/index.js';
import { createSilentLogger } from '../observability/index.js';
import { createTestDatabase, type TestDatabase, testDialects } from '../storage/test-support/databases.js';
import { enqueueTask } from './enqueue-task.js';
import { localWorkerPid, reclaimDeadLocalWorkers } from './reclaim-dead-workers.js';
import { getTask } from './task-queries.js';
import { eventually } from './test-support/harness.js';
import { waitForTask } from './wait-for-task.js';

const script = fileURLToPath(new URL('./test-support/crash-worker.ts', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const leaseMs = 60_000;

function spawnWorker(url: string): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    env: { ...process.env, COLONY_CRASH_URL: url, COLONY_CRASH_LEASE_MS: String(leaseMs) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.stdout?.once('data', () => resolve());
  });
  return { child, ready };
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

describe('localWorkerPid', () => {
  it('reads the pid of a default worker id of this host only', () => {
    expect(localWorkerPid('box:123:a1b2c3', 'box')).toBe(123);
    expect(localWorkerPid('other:123:a1b2c3', 'box')).toBeUndefined();
    expect(localWorkerPid('box-2:123:a1b2c3', 'box')).toBeUndefined();
    expect(localWorkerPid('box:crash-1', 'box')).toBeUndefined();
    expect(localWorkerPid('box:12x:a1', 'box')).toBeUndefined();
    expect(localWorkerPid('crash-3', 'box')).toBeUndefined();
  });
});

describe.each(testDialects)('startup recovery of dead local workers on %s', (dialect) => {
  let test: TestDatabase | undefined;
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.kill('SIGKILL');
      await exited(child);
    }
    await test?.cleanup();
  });

  it('reclaims a SIGKILLed worker’s task at once instead of after its 60 s lease', async () => {
    test = await createTestDatabase(dialect);
    const services = {
      database: test.database,
      bus: createEventBus(),
      clock: systemClock,
      ids: createIdGenerator(),
      logger: createSilentLogger(),
    };
    const org = services.ids.next('org');
    await test.database.db
      .insertInto('org')
      .values({ id: org, name: 'dead', created_at: Date.now() })
      .execute();

    const first = spawnWorker(test.url);
    children.push(first.child);
    await first.ready;
    const task = await enqueueTask(services, { orgId: org, kind: 'crash-hang', payload: { hangClaims: 1 } });
    await eventually(async () => (await getTask(services, task.id)).status === 'running', 15_000);
    const held = await getTask(services, task.id);
    expect(held.lockedBy).toMatch(new RegExp(`^${hostname()}:${first.child.pid}:`));
    expect(held.lockedUntil).toBeGreaterThan(Date.now() + leaseMs / 2);

    // A live holder is left alone.
    expect(await reclaimDeadLocalWorkers(services)).toBe(0);

    first.child.kill('SIGKILL');
    await exited(first.child);
    const killedAt = Date.now();
    const second = spawnWorker(test.url);
    children.push(second.child);
    await second.ready;

    const done = await waitForTask(services, task.id, { timeoutMs: 20_000 });
    const elapsed = Date.now() - killedAt;
    expect(done.status).toBe('succeeded');
    expect(done.result).toEqual({ pid: second.child.pid });
    expect(done.attempts).toBe(2);
    expect(elapsed).toBeLessThan(leaseMs / 3);
    const attempts = await test.database.db
      .selectFrom('task_attempt')
      .selectAll()
      .where('task_id', '=', task.id)
      .execute();
    expect(attempts.map((attempt) => [attempt.attempt, attempt.outcome, attempt.worker_id])).toEqual([
      [1, 'lease-expired', held.lockedBy],
    ]);
  }, 60_000);
});
