import type BetterSqlite3 from 'better-sqlite3';
import type { Database } from '../database.js';
import type { Row } from '../schema.js';
import type { SucceededTask, TaskLease, TaskStore } from './dialect-tasks.js';

const unfinished = `('pending', 'ready', 'running', 'waiting')`;

// Without ANALYZE statistics SQLite prefers the (status, …) indexes and sorts every ready row, so
// the claim names its partial indexes; `+status` keeps the dependents update on the primary key.

/**
 * The claim for `limit` tasks. The limit is written into the SQL text: SQLite compiles a
 * statement again whenever a bound LIMIT parameter is bound (see EmbeddedSqliteQueryCompiler),
 * so one statement is prepared per limit value instead (a worker asks for 1…concurrency).
 */
const claimSql = (limit: number) => `
update task set status = 'running', attempts = attempts + 1, claim_count = claim_count + 1,
  locked_by = @workerId, locked_until = @leaseUntil, started_at = @now, updated_at = @now
where id in (
  select t.id from task t indexed by task_ready
  where t.status = 'ready' and t.run_at <= @now
    and t.kind in (select value from json_each(@kinds))
    and (t.concurrency_key is null or not exists (
      select 1 from task o indexed by task_key_unfinished
      where o.concurrency_key = t.concurrency_key and o.key_seq < t.key_seq and o.status in ${unfinished}))
  order by t.priority desc, t.run_at, t.id
  limit ${Math.trunc(limit)})
returning *`;

const succeedSql = `
update task set status = 'succeeded', result = @result, locked_by = null, locked_until = null,
  finished_at = @now, updated_at = @now
where id = @id and claim_count = @claimCount and status = 'running'
returning has_dependents`;

const readyDependentsSql = `
update task set pending_dependencies = pending_dependencies - 1,
  status = case when pending_dependencies <= 1 then 'ready' else status end, updated_at = @now
where +status = 'pending' and id in (select task_id from task_dependency where depends_on_id = @id)
returning status`;

const heartbeatSql = `
update task set locked_until = @leaseUntil, updated_at = @now
where id = @id and claim_count = @claimCount and status = 'running'`;

const saveStepSql = `
insert into task_step (task_id, name, result, created_at) values (?, ?, ?, ?)
on conflict do nothing`;

interface Statements {
  claim: Map<number, BetterSqlite3.Statement>;
  succeed: BetterSqlite3.Statement;
  readyDependents: BetterSqlite3.Statement;
  heartbeat: BetterSqlite3.Statement;
  saveStep: BetterSqlite3.Statement;
}

/**
 * SQLite hot paths: prepared statements on the raw handle inside `BEGIN IMMEDIATE` (the write lock
 * is taken up front, so a claim never fails to upgrade a read snapshot). Each call holds the
 * writer, so it never interleaves with a Kysely transaction on the same handle.
 */
export function createSqliteTaskStore(database: Database): TaskStore {
  const raw = database.native.sqlite;
  if (!raw) throw new Error('createSqliteTaskStore needs a SQLite database');
  let statements: Statements | undefined;
  const prepared = (): Statements => {
    statements ??= {
      claim: new Map(),
      succeed: raw.prepare(succeedSql),
      readyDependents: raw.prepare(readyDependentsSql),
      heartbeat: raw.prepare(heartbeatSql),
      saveStep: raw.prepare(saveStepSql),
    };
    return statements;
  };
  const exclusive = database.native.sqliteWriter;
  if (!exclusive) throw new Error('createSqliteTaskStore needs the SQLite writer');

  const cycle = raw.transaction(
    (
      succeeded: readonly SucceededTask[],
      claim: { workerId: string; kinds: string; limit: number; leaseUntil: number } | null,
      now: number,
    ) => {
      const { succeed, readyDependents, claim: claims } = prepared();
      const completed: string[] = [];
      let readied = 0;
      for (const task of succeeded) {
        const row = succeed.get({ id: task.id, claimCount: task.claimCount, result: task.result, now }) as
          | { has_dependents: number }
          | undefined;
        if (!row) continue;
        completed.push(task.id);
        if (row.has_dependents) {
          const rows = readyDependents.all({ id: task.id, now }) as Array<{ status: string }>;
          for (const dependent of rows) if (dependent.status === 'ready') readied++;
        }
      }
      if (!claim) return { claimed: [], completed, readied };
      let claimStatement = claims.get(claim.limit);
      if (!claimStatement) {
        claimStatement = raw.prepare(claimSql(claim.limit));
        claims.set(claim.limit, claimStatement);
      }
      const { limit: _limit, ...parameters } = claim;
      const claimed = claimStatement.all({ ...parameters, now }) as Row<'task'>[];
      return { claimed, completed, readied };
    },
  );

  return {
    cycle(succeeded, claim, now) {
      const request = claim && { ...claim, kinds: JSON.stringify(claim.kinds) };
      return exclusive(() => cycle.immediate(succeeded, request, now));
    },
    heartbeat(leases: readonly TaskLease[], leaseUntil, now) {
      return exclusive(() => {
        const lost: string[] = [];
        const { heartbeat } = prepared();
        raw
          .transaction(() => {
            for (const lease of leases) {
              const result = heartbeat.run({ id: lease.id, claimCount: lease.claimCount, leaseUntil, now });
              if (result.changes === 0) lost.push(lease.id);
            }
          })
          .immediate();
        return lost;
      });
    },
    saveStep(taskId, name, result, now) {
      return exclusive(() => {
        prepared().saveStep.run(taskId, name, result, now);
      });
    },
    async lockConcurrencyKeys() {},
    async lockTasks() {},
    async notify() {},
    listen() {
      return async () => {};
    },
  };
}
