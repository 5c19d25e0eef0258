import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { createOutageBackoff } from '../storage/index.js';
import type { TaskServices } from './enqueue-task.js';
import { enqueueTask } from './enqueue-task.js';
import { acquireLeadership, releaseLeadership } from './leader-lease.js';
import { nextJobRun } from './scheduled-jobs.js';

const leaseName = 'scheduler';

export interface SchedulerOptions {
  /** Leadership lease; renewed every tick. Default 30 s. */
  leaseMs?: number;
  /** How often to look for due jobs. Default `min(1000, leaseMs / 3)`. */
  tickMs?: number;
  schedulerId?: string;
}

export interface Scheduler {
  start(): void;
  stop(): Promise<void>;
  /** One round: take or renew leadership, then fire due jobs. Returns how many fired. */
  tick(): Promise<number>;
  isLeader(): boolean;
}

/**
 * Fires cron jobs from `scheduled_job`, only while holding the `leader_lease` row, so any number of
 * processes may run a scheduler. Missed-run policy: a job whose time passed while no scheduler ran
 * fires once on catch-up (for its earliest missed time) and then continues at the next time after
 * now — never once per missed slot. Each firing is an enqueue with the idempotency key
 * `cron:<job id>:<scheduled time>`, so a leader change mid-tick cannot fire a slot twice.
 * Through a database outage it skips ticks with backoff, no longer counts itself leader, and takes
 * the lease again (or finds another holder) when the database returns.
 */
export function createScheduler(services: TaskServices, options: SchedulerOptions = {}): Scheduler {
  const leaseMs = options.leaseMs ?? 30_000;
  const tickMs = options.tickMs ?? Math.min(1000, Math.floor(leaseMs / 3));
  const holder = options.schedulerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  let leader = false;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<number> | undefined;
  const backoff = createOutageBackoff(services.logger, 'scheduler');
  /** After a failed tick, ticks are skipped until then (exponential, capped; logged once). */
  let resumeAt = 0;

  const fireDue = async (): Promise<number> => {
    const now = services.clock.now();
    const due = await services.database.db
      .selectFrom('scheduled_job')
      .selectAll()
      .where('enabled', '=', 1)
      .where('next_run_at', '<=', now)
      .orderBy('next_run_at')
      .limit(100)
      .execute();
    let fired = 0;
    for (const job of due) {
      const scheduledAt = Number(job.next_run_at);
      const next = nextJobRun(
        {
          cron: job.cron,
          intervalMs: job.interval_ms === null ? null : Number(job.interval_ms),
          timezone: job.timezone,
        },
        scheduledAt,
        Math.max(now, scheduledAt),
      );
      const claimed = await services.database.transaction(async (transaction) => {
        const updated = await transaction
          .updateTable('scheduled_job')
          .set({ last_run_at: scheduledAt, next_run_at: next, updated_at: now })
          .where('id', '=', job.id)
          .where('next_run_at', '=', scheduledAt)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) return false;
        await enqueueTask(
          services,
          {
            orgId: job.org_id,
            kind: job.task_kind,
            payload: JSON.parse(job.payload) as unknown,
            idempotencyKey: `cron:${job.id}:${scheduledAt}`,
          },
          transaction,
        );
        return true;
      });
      if (claimed) fired++;
    }
    return fired;
  };

  const tick = async (): Promise<number> => {
    leader = await acquireLeadership(services.database, leaseName, holder, leaseMs, services.clock.now());
    return leader ? fireDue() : 0;
  };

  const tickOnce = () => {
    ticking ??= tick().finally(() => {
      ticking = undefined;
    });
    return ticking;
  };

  return {
    start() {
      if (timer) return;
      timer = setInterval(() => {
        if (ticking || performance.now() < resumeAt) return;
        tickOnce().then(
          () => backoff.succeeded(),
          (error: unknown) => {
            leader = false;
            resumeAt = performance.now() + backoff.failed(error);
          },
        );
      }, tickMs);
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await ticking?.catch(() => 0);
      if (leader) await releaseLeadership(services.database, leaseName, holder);
      leader = false;
    },
    tick: tickOnce,
    isLeader: () => leader,
  };
}
