import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../kernel/index.js';
import { openDatabase } from '../storage/index.js';
import { testDialects } from '../storage/test-support/databases.js';
import { holdTable } from '../storage/test-support/hold-lock.js';
import { listScheduledJobs, scheduleJob } from './scheduled-jobs.js';
import { createScheduler } from './scheduler.js';
import { listTasks } from './task-queries.js';
import { createTaskHarness, eventually, type TaskHarness } from './test-support/harness.js';

describe.each(testDialects)('cron scheduler on %s', (dialect) => {
  let harness: TaskHarness;
  beforeEach(async () => {
    harness = await createTaskHarness(dialect);
  });
  afterEach(async () => {
    await harness.cleanup();
  });

  it('fires due jobs only from the leader, once per slot, and catches up once', async () => {
    const clock = createManualClock(Date.UTC(2026, 0, 1, 12, 0, 30));
    const services = { ...harness.services, clock };
    const { orgId } = harness;
    const job = await scheduleJob(services, {
      orgId,
      name: 'minutely',
      cron: '* * * * *',
      taskKind: 'report',
      payload: { what: 'usage' },
    });
    expect(job.nextRunAt).toBe(Date.UTC(2026, 0, 1, 12, 1, 0));
    const first = createScheduler(services, { leaseMs: 60_000, schedulerId: 'first' });
    const second = createScheduler(services, { leaseMs: 60_000, schedulerId: 'second' });

    expect(await first.tick()).toBe(0); // nothing due yet, but it leads now
    clock.advance(31_000);
    const fired = [await second.tick(), await first.tick(), await second.tick()];
    expect(fired).toEqual([0, 1, 0]);
    expect([first.isLeader(), second.isLeader()]).toEqual([true, false]);

    // Ten minutes without a scheduler: one catch-up run, then the next slot after now.
    clock.advance(10 * 60_000);
    expect(await second.tick()).toBe(1); // the first's lease expired: the second leads and catches up once
    expect(second.isLeader()).toBe(true);
    const [after] = await listScheduledJobs(services, orgId);
    expect(after?.lastRunAt).toBe(Date.UTC(2026, 0, 1, 12, 2, 0));
    expect(after?.nextRunAt).toBe(Date.UTC(2026, 0, 1, 12, 12, 0));
    expect(await first.tick()).toBe(0);

    const { tasks } = await listTasks(services, { orgId, kind: 'report' });
    expect(tasks).toHaveLength(2);
    expect(tasks.map((task) => task.idempotencyKey).sort()).toEqual([
      `cron:${job.id}:${Date.UTC(2026, 0, 1, 12, 1, 0)}`,
      `cron:${job.id}:${Date.UTC(2026, 0, 1, 12, 2, 0)}`,
    ]);
    expect(tasks[0]?.payload).toEqual({ what: 'usage' });

    await second.stop(); // releases leadership at once
    clock.advance(60_000);
    await first.tick();
    expect(first.isLeader()).toBe(true);
  });

  it('rides out a database outage: backs off, logs it once, and leads again afterwards', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    // A handle of its own whose statements give up quickly, so the held lock below is an outage.
    const database = openDatabase({
      url: harness.url,
      statementTimeoutMs: 100,
      backgroundCheckpoints: false,
    });
    database.native.sqlite?.pragma('busy_timeout = 20');
    const scheduler = createScheduler(
      { ...harness.services, database, logger },
      { leaseMs: 3000, tickMs: 10 },
    );
    scheduler.start();
    await eventually(() => scheduler.isLeader(), 10_000);
    const release = await holdTable(dialect, harness.url, 'leader_lease');
    try {
      await eventually(() => !scheduler.isLeader(), 10_000);
      await new Promise((resolve) => setTimeout(resolve, 500)); // fifty ticks' worth of outage
      expect(scheduler.isLeader()).toBe(false);
    } finally {
      await release();
    }
    await eventually(() => scheduler.isLeader(), 10_000);
    await scheduler.stop();
    await database.close();
    const outage = lines.filter((line) => line.msg.startsWith('scheduler'));
    expect(outage.map((line) => line.msg)).toEqual([
      expect.stringMatching(/^scheduler: database unavailable \((busy|timeout)\)/),
      'scheduler: database available again',
    ]);
  });

  it('rejects an invalid cron expression', async () => {
    await expect(
      scheduleJob(harness.services, { orgId: harness.orgId, name: 'bad', cron: 'not a cron', taskKind: 'x' }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
  });
});
