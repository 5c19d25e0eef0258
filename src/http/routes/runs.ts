import { createRoute, z } from '@hono/zod-openapi';
import type { StoredEvent } from '../../events/index.js';
import { approvalInput, cancelRun, decideApproval, getRun } from '../../runtime/index.js';
import type { HttpServices } from '../http-services.js';
import {
  bodyErrors,
  commonErrors,
  conflictError,
  idParam,
  jsonBody,
  jsonContent,
  security,
  sseResponse,
} from '../openapi-helpers.js';
import { type ColonyApp, contextOf } from '../request-context.js';
import { accessTokenQuery, lastEventIdOf, streamEvents } from '../sse.js';

/** A run's stream ends with its terminal event. */
export function isRunEnd(event: StoredEvent): boolean {
  return event.type === 'run-succeeded' || event.type === 'run-failed' || event.type === 'run-canceled';
}

const stepSchema = z.object({
  id: z.string(),
  index: z.number(),
  kind: z.enum(['model', 'tool']),
  status: z.string(),
  toolCallId: z.string().nullable(),
  toolName: z.string().nullable(),
  payload: z.unknown(),
  createdAt: z.number(),
  completedAt: z.number().nullable(),
});

const runSchema = z
  .object({
    id: z.string(),
    orgId: z.string(),
    chatId: z.string(),
    agentId: z.string(),
    agentVersion: z.number(),
    triggerMessageId: z.string(),
    status: z.enum(['queued', 'running', 'waiting', 'succeeded', 'failed', 'canceled']),
    model: z.string(),
    offline: z.boolean(),
    stepCount: z.number(),
    usage: z.object({ inputTokens: z.number(), outputTokens: z.number(), costUsd: z.number() }),
    error: z.string().nullable(),
    taskId: z.string().nullable(),
    createdBy: z.string().nullable().openapi({ description: 'Who started the run (user, key or agent id)' }),
    createdAt: z.number(),
    startedAt: z.number().nullable(),
    finishedAt: z.number().nullable(),
  })
  .openapi('Run');

const params = idParam('id', 'run_01jd…');
const tags = ['runs'];

const get = createRoute({
  method: 'get',
  path: '/v1/runs/{id}',
  operationId: 'getRun',
  tags,
  security,
  summary: 'Get a run with its persisted steps',
  request: { params },
  responses: {
    200: jsonContent(runSchema.extend({ steps: z.array(stepSchema) }), 'The run'),
    ...commonErrors,
  },
});
const events = createRoute({
  method: 'get',
  path: '/v1/runs/{id}/events',
  operationId: 'streamRunEvents',
  tags,
  security,
  summary: 'The run’s events as SSE; `Last-Event-ID` resumes without gap or duplicate',
  request: { params, query: accessTokenQuery },
  responses: {
    200: sseResponse,
    ...commonErrors,
  },
});
const approve = createRoute({
  method: 'post',
  path: '/v1/runs/{id}/approvals',
  operationId: 'decideRunApproval',
  tags,
  security,
  summary: 'Approve or reject a tool call awaiting approval',
  request: { params, body: jsonBody(approvalInput) },
  responses: {
    200: jsonContent(runSchema, 'Decision recorded'),
    ...commonErrors,
    ...bodyErrors,
    ...conflictError,
  },
});
const cancel = createRoute({
  method: 'post',
  path: '/v1/runs/{id}/cancel',
  operationId: 'cancelRun',
  tags,
  security,
  summary: 'Cancel a run',
  request: { params },
  responses: {
    200: jsonContent(runSchema, 'The run after cancellation'),
    ...commonErrors,
    413: bodyErrors[413],
  },
});

export function registerRunRoutes(app: ColonyApp, services: HttpServices): void {
  app.openapi(get, async (http) =>
    http.json(await getRun(contextOf(http, services), http.req.valid('param').id), 200),
  );
  app.openapi(events, async (http) => {
    const context = contextOf(http, services);
    const run = await getRun(context, http.req.valid('param').id);
    return streamEvents(http, services, {
      filter: { orgId: context.actor.orgId, runId: run.id },
      afterSeq: lastEventIdOf(http),
      live: true,
      until: isRunEnd,
    }) as never;
  });
  app.openapi(approve, async (http) =>
    http.json(
      await decideApproval(contextOf(http, services), http.req.valid('param').id, http.req.valid('json')),
      200,
    ),
  );
  app.openapi(cancel, async (http) =>
    http.json(await cancelRun(contextOf(http, services), http.req.valid('param').id), 200),
  );
}
