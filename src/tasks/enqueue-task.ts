import { sql } from 'kysely';
import type { Services } from '../context/index.js';
import { invalidInput, notFound } from '../errors/index.js';
import type { NewRow, Row } from '../storage/index.js';
import { prepareQuery, taskStore, toJson } from '../storage/index.js';
import { toTaskRecord } from './task-record.js';
import { taskSignals } from './task-signals.js';
import type { EnqueueTaskInput, TaskExecutor, TaskRecord } from './types.js';

export type TaskServices = Pick<Services, 'database' | 'bus' | 'clock' | 'ids' | 'logger'>;

const defaultMaxAttempts = 5;
const insertChunk = 500;

/**
 * Enqueues one task. Pass `transaction` to commit it together with other rows (a run and its task).
 * An idempotency key already used in the org returns the existing task instead.
 *
 * @example
 * const task = await enqueueTask(services, { orgId, kind: 'send-report', payload: { to } });
 */
export async function enqueueTask(
  services: TaskServices,
  input: EnqueueTaskInput,
  transaction?: TaskExecutor,
): Promise<TaskRecord> {
  const [task] = await enqueueTasks(services, [input], transaction);
  if (!task) throw new Error('enqueueTasks returned nothing');
  return task;
}

/** Enqueues many tasks in one transaction (or in `transaction`); returns them in input order. */
export async function enqueueTasks(
  services: TaskServices,
  inputs: readonly EnqueueTaskInput[],
  transaction?: TaskExecutor,
): Promise<TaskRecord[]> {
  inputs.forEach(validate);
  if (inputs.length === 0) return [];
  const result = transaction
    ? await insertTasks(services, inputs, transaction)
    : await services.database.transaction((open) => insertTasks(services, inputs, open));
  if (result.someReady) taskSignals(services.database).wake();
  return result.tasks;
}

function validate(input: EnqueueTaskInput, index: number): void {
  const at = (field: string) => `tasks[${index}].${field}`;
  if (typeof input.orgId !== 'string' || input.orgId === '') throw invalidInput(at('orgId'), 'required');
  if (typeof input.kind !== 'string' || input.kind === '' || input.kind.length > 200) {
    throw invalidInput(at('kind'), 'a non-empty string of at most 200 characters');
  }
  if (input.maxAttempts !== undefined && (!Number.isInteger(input.maxAttempts) || input.maxAttempts < 1)) {
    throw invalidInput(at('maxAttempts'), 'an integer of at least 1');
  }
  if (input.priority !== undefined && !Number.isInteger(input.priority)) {
    throw invalidInput(at('priority'), 'an integer');
  }
  if (input.timeoutMs != null && !(input.timeoutMs > 0)) throw invalidInput(at('timeoutMs'), 'positive');
  if (input.dependsOn?.some((id) => typeof id !== 'string')) throw invalidInput(at('dependsOn'), 'task ids');
}

const identity = (orgId: string, key: string) => `${orgId}\u0000${key}`;

async function existingByKey(executor: TaskExecutor, inputs: readonly EnqueueTaskInput[]) {
  const found = new Map<string, Row<'task'>>();
  const byOrg = new Map<string, string[]>();
  for (const input of inputs) {
    if (!input.idempotencyKey) continue;
    const keys = byOrg.get(input.orgId) ?? [];
    keys.push(input.idempotencyKey);
    byOrg.set(input.orgId, keys);
  }
  for (const [orgId, keys] of byOrg) {
    const rows = await executor
      .selectFrom('task')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('idempotency_key', 'in', keys)
      .execute();
    for (const row of rows) if (row.idempotency_key) found.set(identity(orgId, row.idempotency_key), row);
  }
  return found;
}

async function insertTasks(
  services: TaskServices,
  inputs: readonly EnqueueTaskInput[],
  executor: TaskExecutor,
): Promise<{ tasks: TaskRecord[]; someReady: boolean }> {
  const now = services.clock.now();
  const hasKeys = inputs.some((input) => input.idempotencyKey);
  const existing = hasKeys ? await existingByKey(executor, inputs) : new Map<string, Row<'task'>>();
  const keyOf = (input: EnqueueTaskInput) =>
    input.idempotencyKey ? identity(input.orgId, input.idempotencyKey) : undefined;
  const fresh = inputs.filter((input) => {
    const key = keyOf(input);
    return !(key && existing.has(key));
  });

  const concurrencyKeys = fresh.flatMap((input) => (input.concurrencyKey ? [input.concurrencyKey] : []));
  if (concurrencyKeys.length > 0)
    await taskStore(services.database).lockConcurrencyKeys(executor, concurrencyKeys);
  const dependencies = await lockDependencies(services, executor, fresh);
  const parents = await parentStatuses(executor, fresh);

  const rows: Array<NewTaskRow> = [];
  const dependencyRows: Array<NewRow<'task_dependency'>> = [];
  const plan: Array<{ key: string | undefined; id: string | undefined }> = [];
  const batchKeys = new Map<string, string>();
  for (const input of inputs) {
    const key = keyOf(input);
    if (key && existing.has(key)) {
      plan.push({ key, id: undefined });
      continue;
    }
    const duplicate = key ? batchKeys.get(key) : undefined;
    if (duplicate) {
      plan.push({ key, id: duplicate }); // the same key twice in one batch: the first one wins
      continue;
    }
    const row = newRow(services, input, now);
    let blocking = 0;
    for (const dependencyId of new Set(input.dependsOn ?? [])) {
      const dependency = dependencies.get(dependencyId);
      if (!dependency || dependency.org_id !== input.orgId) throw notFound('task', dependencyId);
      dependencyRows.push({ task_id: row.id, depends_on_id: dependencyId, org_id: input.orgId });
      if (dependency.status === 'failed' || dependency.status === 'canceled') {
        finishAtOnce(row, input.onDependencyFailure === 'fail' ? 'failed' : 'canceled', now);
        row.last_error = `dependency ${dependencyId} ${dependency.status}`;
      } else if (dependency.status !== 'succeeded') {
        blocking++;
      }
    }
    if (input.parentId && parents.get(input.parentId) === 'canceled') {
      finishAtOnce(row, 'canceled', now);
      row.last_error = `parent ${input.parentId} canceled`;
    }
    if (row.status === 'ready' && blocking > 0) {
      row.status = 'pending';
      row.pending_dependencies = blocking;
    }
    rows.push(row);
    plan.push({ key, id: row.id });
    if (key) batchKeys.set(key, row.id);
  }

  const inserted = await insertRows(executor, rows);
  for (let start = 0; start < dependencyRows.length; start += insertChunk) {
    await executor
      .insertInto('task_dependency')
      .values(dependencyRows.slice(start, start + insertChunk))
      .execute();
  }
  // A row that lost to a concurrent insert of the same idempotency key: read the winner.
  if (rows.some((row) => !inserted.has(row.id))) {
    for (const [key, row] of await existingByKey(executor, fresh)) existing.set(key, row);
  }

  const someReady = [...inserted.values()].some((row) => row.status === 'ready');
  if (someReady) await taskStore(services.database).notify(executor);

  const tasks = plan.map(({ key, id }) => {
    const row = (id && inserted.get(id)) || (key && existing.get(key));
    if (!row) throw new Error(`task ${id ?? key} vanished during enqueue`);
    return toTaskRecord(row);
  });
  return { tasks, someReady };
}

/** The columns an enqueue writes (the rest keep their defaults). */
const insertedColumns = [
  'id',
  'org_id',
  'kind',
  'payload',
  'status',
  'priority',
  'run_at',
  'attempts',
  'max_attempts',
  'locked_by',
  'locked_until',
  'concurrency_key',
  'idempotency_key',
  'parent_id',
  'last_error',
  'result',
  'deadline_at',
  'timeout_ms',
  'on_dependency_failure',
  'pending_dependencies',
  'created_at',
  'updated_at',
  'finished_at',
] as const;

type NewTaskRow = Pick<Row<'task'>, (typeof insertedColumns)[number]>;

function newRow(services: TaskServices, input: EnqueueTaskInput, now: number): NewTaskRow {
  return {
    id: input.id ?? services.ids.next('tsk'),
    org_id: input.orgId,
    kind: input.kind,
    payload: toJson(input.payload ?? null),
    status: 'ready',
    priority: input.priority ?? 0,
    run_at: input.runAt ?? now,
    attempts: 0,
    max_attempts: input.maxAttempts ?? defaultMaxAttempts,
    locked_by: null,
    locked_until: null,
    concurrency_key: input.concurrencyKey ?? null,
    idempotency_key: input.idempotencyKey ?? null,
    parent_id: input.parentId ?? null,
    last_error: null,
    result: null,
    deadline_at: input.deadlineAt ?? null,
    timeout_ms: input.timeoutMs ?? null,
    on_dependency_failure: input.onDependencyFailure ?? 'cancel',
    pending_dependencies: 0,
    created_at: now,
    updated_at: now,
    finished_at: null,
  };
}

function finishAtOnce(row: NewTaskRow, status: 'failed' | 'canceled', now: number): void {
  row.status = status;
  row.finished_at = now;
  row.pending_dependencies = 0;
}

/**
 * Marks the dependencies as having dependents and reads their status in one write: the update
 * waits for (and then sees) a concurrent completion, so no success is counted twice or missed.
 */
async function lockDependencies(
  services: TaskServices,
  executor: TaskExecutor,
  inputs: readonly EnqueueTaskInput[],
) {
  const ids = [...new Set(inputs.flatMap((input) => input.dependsOn ?? []))].sort();
  await taskStore(services.database).lockTasks(executor, ids);
  const found = new Map<string, { org_id: string; status: string }>();
  for (let start = 0; start < ids.length; start += insertChunk) {
    const rows = await executor
      .updateTable('task')
      .set({ has_dependents: 1 })
      .where('id', 'in', ids.slice(start, start + insertChunk))
      .returning(['id', 'org_id', 'status'])
      .execute();
    for (const row of rows) found.set(row.id, row);
  }
  return found;
}

async function parentStatuses(executor: TaskExecutor, inputs: readonly EnqueueTaskInput[]) {
  const ids = [...new Set(inputs.flatMap((input) => (input.parentId ? [input.parentId] : [])))];
  if (ids.length === 0) return new Map<string, string>();
  const rows = await executor.selectFrom('task').select(['id', 'status']).where('id', 'in', ids).execute();
  return new Map(rows.map((row) => [row.id, row.status]));
}

/** Inserts rows; those with a concurrency key one at a time, taking the next `key_seq` of their key. */
async function insertRows(
  executor: TaskExecutor,
  rows: readonly NewTaskRow[],
): Promise<Map<string, Row<'task'>>> {
  const inserted = new Map<string, Row<'task'>>();
  const plain = rows.filter((row) => !row.concurrency_key);
  for (let start = 0; start < plain.length; start += insertChunk) {
    const returned = await executor
      .insertInto('task')
      .values(plain.slice(start, start + insertChunk))
      .onConflict((conflict) =>
        conflict.columns(['org_id', 'idempotency_key']).where('idempotency_key', 'is not', null).doNothing(),
      )
      .returningAll()
      .execute();
    for (const row of returned) inserted.set(row.id, row);
  }
  for (const row of rows) {
    if (!row.concurrency_key) continue;
    const [returned] = (await insertKeyedRow(executor, row)).rows;
    if (returned) inserted.set(returned.id, returned);
  }
  return inserted;
}

/**
 * A row with a concurrency key, numbered after the last of its key. Every accepted chat message
 * enqueues one (the chat is the key), so it is prepared (storage/prepared.ts).
 */
const insertKeyedRow = prepareQuery((db, values: NewTaskRow) =>
  db
    .insertInto('task')
    .values({
      ...(Object.fromEntries(insertedColumns.map((column) => [column, values[column]])) as NewTaskRow),
      key_seq: sql<number>`(select coalesce(max(key_seq), 0) + 1 from task where concurrency_key = ${values.concurrency_key})`,
    })
    .onConflict((conflict) =>
      conflict.columns(['org_id', 'idempotency_key']).where('idempotency_key', 'is not', null).doNothing(),
    )
    .returningAll(),
);
