import { sql } from 'kysely';
import type pg from 'pg';
import type { Database } from '../database.js';
import type { OutageBackoff } from '../outage.js';
import type { Row } from '../schema.js';
import type { TaskCycleResult, TaskStore } from './dialect-tasks.js';

/** The LISTEN/NOTIFY channel that wakes workers in other processes. */
export const taskChannel = 'colony_task';

const unfinished = `('pending', 'ready', 'running', 'waiting')`;

const succeedSql = `
update task t set status = 'succeeded', result = v.result, locked_by = null, locked_until = null,
  finished_at = $4, updated_at = $4
from unnest($1::text[], $2::int[], $3::text[]) as v(id, claim_count, result)
where t.id = v.id and t.claim_count = v.claim_count and t.status = 'running'
returning t.id, t.has_dependents`;

// Locks the dependents in id order first, so two batches completing dependencies of the same
// join cannot deadlock; then counts down and readies those whose last dependency succeeded.
const readyDependentsSql = `
with locked as (
  select t.id from task t
  where t.status = 'pending'
    and t.id in (select d.task_id from task_dependency d where d.depends_on_id = any($1::text[]))
  order by t.id for update
), counts as (
  select d.task_id, count(*)::int as n from task_dependency d
  where d.depends_on_id = any($1::text[]) and d.task_id in (select id from locked)
  group by d.task_id
)
update task t set pending_dependencies = t.pending_dependencies - counts.n,
  status = case when t.pending_dependencies - counts.n <= 0 then 'ready' else t.status end,
  updated_at = $2
from counts where t.id = counts.task_id
returning t.status`;

const claimSql = `
update task t set status = 'running', attempts = t.attempts + 1, claim_count = t.claim_count + 1,
  locked_by = $1, locked_until = $2, started_at = $3, updated_at = $3
from (
  select c.id from task c
  where c.status = 'ready' and c.run_at <= $3 and c.kind = any($4::text[])
    and (c.concurrency_key is null or not exists (
      select 1 from task o
      where o.concurrency_key = c.concurrency_key and o.key_seq < c.key_seq and o.status in ${unfinished}))
  order by c.priority desc, c.run_at, c.id
  limit $5
  for update skip locked
) claimable
where t.id = claimable.id
returning t.*`;

const heartbeatSql = `
update task t set locked_until = $3, updated_at = $4
from unnest($1::text[], $2::int[]) as v(id, claim_count)
where t.id = v.id and t.claim_count = v.claim_count and t.status = 'running'
returning t.id`;

async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Postgres hot paths with raw pg: batch completion through `unnest`, claims with
 * `FOR UPDATE SKIP LOCKED`, wake-ups with LISTEN/NOTIFY on a dedicated connection.
 */
export function createPostgresTaskStore(database: Database): TaskStore {
  const pool = database.native.postgres;
  if (!pool) throw new Error('createPostgresTaskStore needs a Postgres database');

  return {
    cycle(succeeded, claim, now) {
      return inTransaction(pool, async (client): Promise<TaskCycleResult> => {
        const completed: string[] = [];
        let readied = 0;
        if (succeeded.length > 0) {
          // Rows are locked in id order everywhere, so concurrent batches cannot deadlock.
          const ordered = [...succeeded].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
          const done = await client.query<{ id: string; has_dependents: number }>(succeedSql, [
            ordered.map((task) => task.id),
            ordered.map((task) => task.claimCount),
            ordered.map((task) => task.result),
            now,
          ]);
          const withDependents: string[] = [];
          for (const row of done.rows) {
            completed.push(row.id);
            if (row.has_dependents) withDependents.push(row.id);
          }
          if (withDependents.length > 0) {
            const dependents = await client.query<{ status: string }>(readyDependentsSql, [
              withDependents,
              now,
            ]);
            readied = dependents.rows.filter((row) => row.status === 'ready').length;
            if (readied > 0) await client.query('select pg_notify($1, $2)', [taskChannel, '']);
          }
        }
        let claimed: Row<'task'>[] = [];
        if (claim) {
          const result = await client.query<Row<'task'>>(claimSql, [
            claim.workerId,
            claim.leaseUntil,
            now,
            claim.kinds,
            claim.limit,
          ]);
          claimed = result.rows;
        }
        return { claimed, completed, readied };
      });
    },
    async heartbeat(leases, leaseUntil, now) {
      if (leases.length === 0) return [];
      const result = await pool.query<{ id: string }>(heartbeatSql, [
        leases.map((lease) => lease.id),
        leases.map((lease) => lease.claimCount),
        leaseUntil,
        now,
      ]);
      const held = new Set(result.rows.map((row) => row.id));
      return leases.filter((lease) => !held.has(lease.id)).map((lease) => lease.id);
    },
    async saveStep(taskId, name, result, now) {
      await pool.query(
        'insert into task_step (task_id, name, result, created_at) values ($1, $2, $3, $4) on conflict do nothing',
        [taskId, name, result, now],
      );
    },
    async lockConcurrencyKeys(transaction, keys) {
      for (const key of [...new Set(keys)].sort()) {
        await sql`select pg_advisory_xact_lock(hashtextextended(${`colony-task-key:${key}`}, 0))`.execute(
          transaction,
        );
      }
    },
    async lockTasks(transaction, ids) {
      if (ids.length === 0) return;
      await sql`select id from task where id = any(${[...ids]}::text[]) order by id for update`.execute(
        transaction,
      );
    },
    async notify(transaction) {
      await sql`select pg_notify(${taskChannel}, '')`.execute(transaction);
    },
    listen(onWake, backoff) {
      return listen(pool, onWake, backoff);
    },
  };
}

/**
 * Holds one pooled connection on LISTEN. When it fails (a server restart) it is discarded, the
 * pool polls once, and a new one is opened with backoff until the server answers again.
 */
function listen(pool: pg.Pool, onWake: () => void, backoff: OutageBackoff): () => Promise<void> {
  let stopped = false;
  /** The listening connection, and the one way to release it (once: its error handler may fire late). */
  let client: { connection: pg.PoolClient; release(reason: Error | boolean): void } | undefined;
  let retry: NodeJS.Timeout | undefined;

  const reconnectLater = (error: unknown) => {
    const delay = backoff.failed(error);
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, delay);
    retry.unref();
  };

  const connect = async () => {
    let next: pg.PoolClient | undefined;
    let released = false;
    const release = (reason: Error | boolean) => {
      if (released || !next) return;
      released = true;
      next.release(reason);
    };
    try {
      next = await pool.connect();
      const current = next;
      current.on('notification', onWake);
      current.on('error', (error) => {
        if (client?.connection === current) client = undefined;
        release(error);
        onWake(); // a notification may have been lost: poll once now
        reconnectLater(error);
      });
      await current.query(`listen ${taskChannel}`);
      if (stopped) {
        release(true);
        return;
      }
      client = { connection: current, release };
      if (backoff.failing) onWake(); // notifications sent while no one listened are lost
      backoff.succeeded();
    } catch (error) {
      release(error instanceof Error ? error : true);
      reconnectLater(error);
    }
  };
  void connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    const current = client;
    client = undefined;
    if (current) {
      await current.connection.query(`unlisten ${taskChannel}`).catch(() => {});
      current.release(true);
    }
  };
}
