import type BetterSqlite3 from 'better-sqlite3';
import type { Database } from '../database.js';
import type { Row } from '../schema.js';
import type {
  DirectTaskAccess,
  DirectTaskRow,
  SucceededTask,
  TaskLease,
  TaskStore,
} from './dialect-tasks.js';

const unfinished = `('pending', 'ready', 'running', 'waiting')`;

// Without ANALYZE statistics SQLite prefers the (status, …) indexes and sorts every ready row, so
// the claim names its partial indexes; `+status` keeps the dependents update on the primary key.

const claimSql = `
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
  limit @limit)
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

const directColumns = [
  'id',
  'org_id',
  'kind',
  'payload',
  'status',
  'priority',
  'run_at',
  'max_attempts',
  'concurrency_key',
  'idempotency_key',
  'parent_id',
  'last_error',
  'deadline_at',
  'timeout_ms',
  'on_dependency_failure',
  'pending_dependencies',
  'created_at',
  'updated_at',
  'finished_at',
] as const satisfies ReadonlyArray<keyof DirectTaskRow>;

const insertTaskSql = `
insert into task (${directColumns.join(', ')}, attempts)
values (${directColumns.map((column) => `@${column}`).join(', ')}, 0)`;

const insertKeyedTaskSql = `
insert into task (${directColumns.join(', ')}, attempts, key_seq)
values (${directColumns.map((column) => `@${column}`).join(', ')}, 0,
  (select coalesce(max(key_seq), 0) + 1 from task where concurrency_key = @concurrency_key))
returning key_seq`;

interface DirectStatements {
  insertTask: BetterSqlite3.Statement;
  insertKeyedTask: BetterSqlite3.Statement;
  insertDependency: BetterSqlite3.Statement;
  markDependency: BetterSqlite3.Statement;
  status: BetterSqlite3.Statement;
}

interface Statements {
  claim: BetterSqlite3.Statement;
  succeed: BetterSqlite3.Statement;
  readyDependents: BetterSqlite3.Statement;
  heartbeat: BetterSqlite3.Statement;
  saveStep: BetterSqlite3.Statement;
}

/**
 * SQLite hot paths: prepared statements on the raw handle inside `BEGIN IMMEDIATE` (the write lock
 * is taken up front, so a claim never fails to upgrade a read snapshot). Each call holds Kysely's
 * connection mutex, so it never interleaves with a Kysely transaction on the same handle.
 */
export function createSqliteTaskStore(database: Database): TaskStore {
  const raw = database.native.sqlite;
  if (!raw) throw new Error('createSqliteTaskStore needs a SQLite database');
  let statements: Statements | undefined;
  const prepared = (): Statements => {
    statements ??= {
      claim: raw.prepare(claimSql),
      succeed: raw.prepare(succeedSql),
      readyDependents: raw.prepare(readyDependentsSql),
      heartbeat: raw.prepare(heartbeatSql),
      saveStep: raw.prepare(saveStepSql),
    };
    return statements;
  };
  const exclusive = <T>(fn: () => T): Promise<T> => database.db.connection().execute(async () => fn());

  let directStatements: DirectStatements | undefined;
  const direct = (): DirectStatements => {
    directStatements ??= {
      insertTask: raw.prepare(insertTaskSql),
      insertKeyedTask: raw.prepare(insertKeyedTaskSql),
      insertDependency: raw.prepare(
        'insert into task_dependency (task_id, depends_on_id, org_id) values (?, ?, ?)',
      ),
      markDependency: raw.prepare(
        'update task set has_dependents = 1 where id = ? returning id, org_id, status',
      ),
      status: raw.prepare('select status from task where id = ?'),
    };
    return directStatements;
  };
  const access: DirectTaskAccess = {
    markDependencies(ids) {
      const { markDependency } = direct();
      return ids.flatMap((id) => {
        const row = markDependency.get(id) as { id: string; org_id: string; status: string } | undefined;
        return row ? [row] : [];
      });
    },
    statuses(ids) {
      const { status } = direct();
      const found = new Map<string, string>();
      for (const id of ids) {
        const row = status.get(id) as { status: string } | undefined;
        if (row) found.set(id, row.status);
      }
      return found;
    },
    insertTask(row) {
      // No `returning *` (it costs more than the insert): the row is the input plus the defaults.
      let keySeq: number | null = null;
      if (row.concurrency_key) {
        keySeq = (direct().insertKeyedTask.get(row) as { key_seq: number }).key_seq;
      } else {
        direct().insertTask.run(row);
      }
      const inserted: Row<'task'> = {
        ...row,
        attempts: 0,
        locked_by: null,
        locked_until: null,
        result: null,
        key_seq: keySeq,
        claim_count: 0,
        started_at: null,
        has_dependents: 0,
        wake_requested: 0,
        wait_reason: null,
      };
      return inserted;
    },
    insertDependency(row) {
      direct().insertDependency.run(row.task_id, row.depends_on_id, row.org_id);
    },
  };
  const runDirect = raw.transaction(<T>(work: (handle: DirectTaskAccess) => T): T => work(access));

  const cycle = raw.transaction(
    (
      succeeded: readonly SucceededTask[],
      claim: { workerId: string; kinds: string; limit: number; leaseUntil: number } | null,
      now: number,
    ) => {
      const { succeed, readyDependents, claim: claimStatement } = prepared();
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
      const claimed = claim ? (claimStatement.all({ ...claim, now }) as Row<'task'>[]) : [];
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
    enqueueDirect(work) {
      return exclusive(() => runDirect.immediate(work) as ReturnType<typeof work>);
    },
    async lockConcurrencyKeys() {},
    async lockTasks() {},
    async notify() {},
    listen() {
      return async () => {};
    },
  };
}
