import { z } from 'zod';
import { type Context, requireRole } from '../context/index.js';
import { fromZodError, invalidInput } from '../errors/index.js';
import { transact } from '../events/index.js';
import { recordAudit } from '../identity/index.js';
import { parseJson } from '../storage/index.js';
import { apiTaskKinds, isApiTaskKind } from './builtin-handlers.js';
import { cancelTaskTree } from './cancel-task.js';
import { enqueueTask, type TaskServices } from './enqueue-task.js';
import { getTask, listTasks } from './task-queries.js';
import { toTaskRecord } from './task-record.js';
import { type TaskRecord, type TaskStatus, terminalStatuses } from './types.js';

/** `POST /v1/tasks`. Times are epoch milliseconds. */
export const submitTaskInput = z
  .object({
    kind: z.string().min(1).max(200),
    payload: z.unknown().optional(),
    priority: z.number().int().min(-1000).max(1000).optional(),
    runAt: z.number().int().min(0).optional(),
    maxAttempts: z.number().int().min(1).max(25).optional(),
    idempotencyKey: z.string().min(1).max(200).optional(),
    concurrencyKey: z.string().min(1).max(200).optional(),
    dependsOn: z.array(z.string().min(1).max(200)).max(100).optional(),
    deadlineAt: z.number().int().min(0).optional(),
    timeoutMs: z.number().int().min(1).max(86_400_000).optional(),
  })
  .strict();
export type SubmitTaskInput = z.infer<typeof submitTaskInput>;

/** One failed or expired attempt of a task. */
export interface TaskAttemptView {
  attempt: number;
  /** The claim (fencing token) the attempt ran under. */
  claim: number;
  workerId: string | null;
  outcome: string;
  error: { name: string; message: string; code: string | null } | null;
  startedAt: number | null;
  finishedAt: number;
}

/** A task with the ids it depends on and every failed or expired attempt, oldest first. */
export type TaskDetail = TaskRecord & { dependsOn: string[]; attemptLog: TaskAttemptView[] };

type TaskContext = Context<TaskServices>;

// API callers' keys live in their own namespace: an API task can neither join an internal
// concurrency key (`chat:<id>` of another org) nor take an internal idempotency key (`cron:…`).
const apiKey = (orgId: string, key: string) => `api:${orgId}:${key}`;

/** Shows an API caller's own keys as they gave them. */
function present(task: TaskRecord): TaskRecord {
  const prefix = `api:${task.orgId}:`;
  const strip = (key: string | null) => (key?.startsWith(prefix) ? key.slice(prefix.length) : key);
  return { ...task, concurrencyKey: strip(task.concurrencyKey), idempotencyKey: strip(task.idempotencyKey) };
}

/**
 * Enqueues a task of an API kind (`noop`, `echo`, `sleep`) for the caller's org (member). An
 * idempotency key already used returns that task with `created: false`.
 *
 * @example
 * const { task } = await submitTask(context, { kind: 'sleep', payload: { ms: 500 } });
 */
export async function submitTask(
  context: TaskContext,
  input: SubmitTaskInput,
): Promise<{ task: TaskRecord; created: boolean }> {
  requireRole(context.actor, 'member');
  const parsed = submitTaskInput.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  const { services, actor } = context;
  const { kind } = parsed.data;
  if (!isApiTaskKind(kind)) {
    throw invalidInput(
      'kind',
      `${kind} tasks cannot be enqueued through the API (allowed: ${Object.keys(apiTaskKinds).join(', ')}); agent runs start by posting a chat message`,
    );
  }
  const payload = apiTaskKinds[kind].safeParse(parsed.data.payload ?? null);
  if (!payload.success) throw fromZodError(payload.error, 'payload');
  const orgId = actor.orgId;
  const idempotencyKey = parsed.data.idempotencyKey ? apiKey(orgId, parsed.data.idempotencyKey) : null;
  return transact(
    services,
    async (transaction) => {
      if (idempotencyKey) {
        const existing = await transaction
          .selectFrom('task')
          .selectAll()
          .where('org_id', '=', orgId)
          .where('idempotency_key', '=', idempotencyKey)
          .executeTakeFirst();
        if (existing) return { task: present(toTaskRecord(existing)), created: false };
      }
      const dependsOn = [...new Set(parsed.data.dependsOn ?? [])];
      if (dependsOn.length > 0) {
        const found = await transaction
          .selectFrom('task')
          .select('id')
          .where('org_id', '=', orgId)
          .where('id', 'in', dependsOn)
          .execute();
        const known = new Set(found.map((row) => row.id));
        const missing = (parsed.data.dependsOn ?? []).findIndex((id) => !known.has(id));
        if (missing >= 0) throw invalidInput(`dependsOn.${missing}`, 'no such task in this org');
      }
      const task = await enqueueTask(
        services,
        {
          orgId,
          kind,
          payload: payload.data,
          ...(parsed.data.priority !== undefined ? { priority: parsed.data.priority } : {}),
          ...(parsed.data.runAt !== undefined ? { runAt: parsed.data.runAt } : {}),
          ...(parsed.data.maxAttempts !== undefined ? { maxAttempts: parsed.data.maxAttempts } : {}),
          idempotencyKey,
          concurrencyKey: parsed.data.concurrencyKey ? apiKey(orgId, parsed.data.concurrencyKey) : null,
          dependsOn,
          deadlineAt: parsed.data.deadlineAt ?? null,
          timeoutMs: parsed.data.timeoutMs ?? null,
        },
        transaction,
      );
      await recordAudit(transaction, services, actor, {
        action: 'task.create',
        resourceType: 'task',
        resourceId: task.id,
        details: { kind },
      });
      return { task: present(task), created: true };
    },
    context.idempotency,
  );
}

export interface TaskListQuery {
  status?: TaskStatus | readonly TaskStatus[] | undefined;
  kind?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

/** The caller's org's tasks (viewer), newest first, filtered by status and kind. */
export async function listOrgTasks(
  context: TaskContext,
  query: TaskListQuery = {},
): Promise<{ tasks: TaskRecord[]; nextCursor: string | null }> {
  requireRole(context.actor, 'viewer');
  const page = await listTasks(context.services, {
    orgId: context.actor.orgId,
    ...(query.status !== undefined ? { status: query.status } : {}),
    ...(query.kind !== undefined ? { kind: query.kind } : {}),
    ...(query.limit !== undefined ? { limit: query.limit } : {}),
    cursor: query.cursor ?? null,
  });
  return { tasks: page.tasks.map(present), nextCursor: page.nextCursor };
}

function attemptError(text: string | null): TaskAttemptView['error'] {
  if (text === null) return null;
  const parsed = parseJson<{ name?: unknown; message?: unknown; code?: unknown }>(text, {});
  return {
    name: typeof parsed.name === 'string' ? parsed.name : 'Error',
    message: typeof parsed.message === 'string' ? parsed.message : text,
    code: typeof parsed.code === 'string' ? parsed.code : null,
  };
}

/** One task of the caller's org (viewer), with its dependencies and attempt log. */
export async function getTaskDetail(context: TaskContext, taskId: string): Promise<TaskDetail> {
  requireRole(context.actor, 'viewer');
  const { services, actor } = context;
  const task = await getTask(services, taskId, { orgId: actor.orgId });
  const db = services.database.db;
  const [dependencies, attempts] = await Promise.all([
    db.selectFrom('task_dependency').select('depends_on_id').where('task_id', '=', task.id).execute(),
    db
      .selectFrom('task_attempt')
      .selectAll()
      .where('task_id', '=', task.id)
      .orderBy('claim')
      .orderBy('attempt')
      .execute(),
  ]);
  return {
    ...present(task),
    dependsOn: dependencies.map((row) => row.depends_on_id).sort(),
    attemptLog: attempts.map((row) => ({
      attempt: Number(row.attempt),
      claim: Number(row.claim),
      workerId: row.worker_id,
      outcome: row.outcome,
      error: attemptError(row.error),
      startedAt: row.started_at === null ? null : Number(row.started_at),
      finishedAt: Number(row.finished_at),
    })),
  };
}

/**
 * Cancels a task of the caller's org (member) and every unfinished descendant; dependents settle
 * by their policy. A finished task is returned unchanged. `cancelOwned` lets the caller route a
 * task owned by another resource to that resource's own cancel (an `agent-run` task: cancel the
 * run, which cancels its task too); it returns false for tasks it does not own.
 *
 * @example
 * const task = await cancelOrgTask(context, 'tsk_01jd…');
 */
export async function cancelOrgTask(
  context: TaskContext,
  taskId: string,
  options: { reason?: string; cancelOwned?: (task: TaskRecord) => Promise<boolean> } = {},
): Promise<TaskRecord> {
  requireRole(context.actor, 'member');
  const { services, actor } = context;
  const task = await getTask(services, taskId, { orgId: actor.orgId });
  if ((terminalStatuses as readonly string[]).includes(task.status)) return present(task);
  if (options.cancelOwned && (await options.cancelOwned(task))) {
    return present(await getTask(services, task.id));
  }
  const reason = options.reason ?? `canceled by ${actor.kind} ${actor.id}`;
  await transact(services, async (transaction, outbox) => {
    await cancelTaskTree({ transaction, outbox }, services, task.id, reason, { orgId: actor.orgId });
    await recordAudit(transaction, services, actor, {
      action: 'task.cancel',
      resourceType: 'task',
      resourceId: task.id,
    });
  });
  return present(await getTask(services, task.id));
}
