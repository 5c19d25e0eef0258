/**
 * A worker process for the crash test: `node --import tsx crash-worker.ts` with COLONY_CRASH_URL
 * (a SQLite file or postgres:// URL of a migrated database) and COLONY_CRASH_WORKER (its id).
 * Its handler records when each attempt starts and ends (in `crash_run`, made by the test) and
 * records the task's effect in the idempotent effect log. The test SIGKILLs it at random.
 */
import { sql } from 'kysely';
import { createEventBus } from '../../events/index.js';
import { createIdGenerator, systemClock } from '../../kernel/index.js';
import { createSilentLogger } from '../../observability/index.js';
import { openDatabase } from '../../storage/index.js';
import { recordEffect } from '../effects.js';
import { createWorkerPool } from '../worker-pool.js';

const url = process.env.COLONY_CRASH_URL;
if (!url) throw new Error('COLONY_CRASH_URL is required');
// Without COLONY_CRASH_WORKER the pool's default id (`${hostname}:${pid}:${random}`) is used.
const workerId = process.env.COLONY_CRASH_WORKER;
const database = openDatabase({ url, poolSize: 10 });
const services = {
  database,
  bus: createEventBus(),
  clock: systemClock,
  ids: createIdGenerator(),
  logger: createSilentLogger(),
};

const pool = createWorkerPool(services, {
  ...(workerId ? { workerId } : {}),
  concurrency: Number(process.env.COLONY_CRASH_CONCURRENCY ?? 8),
  leaseMs: Number(process.env.COLONY_CRASH_LEASE_MS ?? 1000),
  pollIntervalMs: 20,
  handlers: {
    'crash-effect': async ({ task }) => {
      await sql`insert into crash_run (task_id, claim, pid, started_at) values (${task.id}, ${task.claimCount}, ${process.pid}, ${Date.now()})`.execute(
        database.db,
      );
      await recordEffect(services, task.id, 'effect');
      await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 6)); // kills land mid-handler
      await sql`update crash_run set finished_at = ${Date.now()} where task_id = ${task.id} and claim = ${task.claimCount}`.execute(
        database.db,
      );
      return null;
    },
    // Hangs (honouring its signal) on the first `payload.hangClaims` claims, then returns its pid.
    'crash-hang': async ({ task, signal }) => {
      const { hangClaims } = task.payload as { hangClaims: number };
      await recordEffect(services, task.id, `claim-${task.claimCount}`);
      if (task.claimCount <= hangClaims) {
        await new Promise((resolve) => {
          const timer = setTimeout(resolve, 600_000);
          signal.addEventListener('abort', () => {
            clearTimeout(timer);
            resolve(null);
          });
        });
        signal.throwIfAborted();
      }
      return { pid: process.pid };
    },
  },
});

pool.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void pool
    .stop({ drainMs: 2000 })
    .then(() => database.close())
    .then(() => process.exit(0));
});
