import { createRoute, z } from '@hono/zod-openapi';
import { agentRunKind, agentRunPayload, cancelRun } from '../../runtime/index.js';
import {
  cancelOrgTask,
  getTaskDetail,
  listOrgTasks,
  submitTask,
  submitTaskInput,
  type TaskRecord,
  type TaskStatus,
  taskStatuses,
} from '../../tasks/index.js';
import type { HttpServices } from '../http-services.js';
import { idempotencyErrors, idempotencyHeaders, idempotently } from '../idempotency/index.js';
import {
  bodyErrors,
  commonErrors,
  idParam,
  jsonBody,
  jsonContent,
  pageOf,
  security,
} from '../openapi-helpers.js';
import { type ColonyApp, contextOf } from '../request-context.js';

const taskSchema = z
  .object({
    id: z.string(),
    orgId: z.string(),
    kind: z.string(),
    payload: z.unknown(),
    status: z.enum(taskStatuses),
    priority: z.number(),
    runAt: z.number(),
    attempts: z.number().openapi({ description: 'Attempts counted towards maxAttempts' }),
    maxAttempts: z.number(),
    lockedBy: z.string().nullable(),
    lockedUntil: z.number().nullable(),
    concurrencyKey: z.string().nullable(),
    idempotencyKey: z.string().nullable(),
    parentId: z.string().nullable(),
    lastError: z.string().nullable(),
    result: z.unknown(),
    deadlineAt: z.number().nullable(),
    timeoutMs: z.number().nullable(),
    onDependencyFailure: z.enum(['cancel', 'fail']),
    pendingDependencies: z.number(),
    waitReason: z.string().nullable(),
    claimCount: z.number(),
    createdAt: z.number(),
    updatedAt: z.number(),
    startedAt: z.number().nullable(),
    finishedAt: z.number().nullable(),
  })
  .openapi('Task');

const attemptSchema = z.object({
  attempt: z.number(),
  claim: z.number(),
  workerId: z.string().nullable(),
  outcome: z.string().openapi({ example: 'failed' }),
  error: z.object({ name: z.string(), message: z.string(), code: z.string().nullable() }).nullable(),
  startedAt: z.number().nullable(),
  finishedAt: z.number(),
});

const taskDetailSchema = taskSchema
  .extend({ dependsOn: z.array(z.string()), attemptLog: z.array(attemptSchema) })
  .openapi('TaskDetail');

const statusList = z
  .string()
  .max(200)
  .transform((text, check) => {
    const statuses = text.split(',').map((part) => part.trim());
    for (const status of statuses) {
      if (!(taskStatuses as readonly string[]).includes(status)) {
        check.addIssue({
          code: 'custom',
          message: `unknown status ${status}; one of ${taskStatuses.join(', ')}`,
        });
        return z.NEVER;
      }
    }
    return statuses as TaskStatus[];
  })
  .openapi({ type: 'string', example: 'ready,running', description: 'Comma-separated statuses' });

const params = idParam('id', 'tsk_01jd…');
const tags = ['tasks'];

const create = createRoute({
  method: 'post',
  path: '/v1/tasks',
  operationId: 'createTask',
  tags,
  security,
  summary: 'Enqueue a task of an API kind (noop, echo, sleep); agent runs start from chat messages',
  request: { headers: idempotencyHeaders, body: jsonBody(submitTaskInput) },
  responses: {
    201: jsonContent(taskSchema, 'Enqueued'),
    200: jsonContent(taskSchema, 'The task that already holds this idempotency key'),
    ...commonErrors,
    ...bodyErrors,
    ...idempotencyErrors,
  },
});

const list = createRoute({
  method: 'get',
  path: '/v1/tasks',
  operationId: 'listTasks',
  tags,
  security,
  summary: 'List the org’s tasks, newest first',
  request: {
    query: z.object({
      status: statusList.optional(),
      kind: z.string().min(1).max(200).optional(),
      limit: z.coerce.number().int().min(1).max(500).optional(),
      cursor: z.string().max(200).optional(),
    }),
  },
  responses: { 200: pageOf('tasks', taskSchema, 'A page of tasks'), ...commonErrors },
});

const get = createRoute({
  method: 'get',
  path: '/v1/tasks/{id}',
  operationId: 'getTask',
  tags,
  security,
  summary: 'Get a task with its dependencies and every failed or expired attempt',
  request: { params },
  responses: { 200: jsonContent(taskDetailSchema, 'The task'), ...commonErrors },
});

const cancel = createRoute({
  method: 'post',
  path: '/v1/tasks/{id}/cancel',
  operationId: 'cancelTask',
  tags,
  security,
  summary: 'Cancel a task and its unfinished descendants (an agent-run task cancels its run)',
  request: { params },
  responses: {
    200: jsonContent(taskSchema, 'The task after cancellation'),
    ...commonErrors,
    413: bodyErrors[413],
  },
});

/** The run an `agent-run` task executes, from its payload. */
function runIdOf(task: TaskRecord): string | null {
  if (task.kind !== agentRunKind) return null;
  const payload = agentRunPayload.safeParse(task.payload);
  return payload.success ? payload.data.runId : null;
}

export function registerTaskRoutes(app: ColonyApp, services: HttpServices): void {
  app.openapi(create, async (http) => {
    // The body's idempotencyKey is the task engine's own (a task per key); the header makes the
    // request itself replayable.
    const input = http.req.valid('json');
    const submitted = await idempotently(http, services, contextOf(http, services), {
      body: input,
      run: (context) => submitTask(context, input),
      respond: ({ task, created }) => ({ status: created ? 201 : 200, body: task }),
    });
    return submitted.status === 201 ? http.json(submitted.body, 201) : http.json(submitted.body, 200);
  });
  app.openapi(list, async (http) => {
    const query = http.req.valid('query');
    return http.json(await listOrgTasks(contextOf(http, services), query), 200);
  });
  app.openapi(get, async (http) =>
    http.json(await getTaskDetail(contextOf(http, services), http.req.valid('param').id), 200),
  );
  app.openapi(cancel, async (http) => {
    const context = contextOf(http, services);
    const task = await cancelOrgTask(context, http.req.valid('param').id, {
      cancelOwned: async (found) => {
        const runId = runIdOf(found);
        if (runId === null) return false;
        await cancelRun(context, runId, `task ${found.id} canceled`);
        return true;
      },
    });
    return http.json(task, 200);
  });
}
