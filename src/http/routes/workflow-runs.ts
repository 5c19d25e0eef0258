import { createRoute, z } from '@hono/zod-openapi';
import {
  cancelWorkflowRun,
  decideWorkflowApproval,
  decisionInput,
  getWorkflowRun,
  listWorkflowRuns,
  startRunInput,
  startWorkflowRun,
} from '../../workflows/index.js';
import type { HttpServices } from '../http-services.js';
import {
  idempotencyErrors,
  idempotencyHeaders,
  idempotently,
  withIdempotencyKey,
} from '../idempotency/index.js';
import {
  bodyErrors,
  commonErrors,
  conflictError,
  idParam,
  jsonBody,
  jsonContent,
  pageOf,
  pageQuery,
  security,
  sseResponse,
} from '../openapi-helpers.js';
import { type ColonyApp, contextOf } from '../request-context.js';
import { lastEventIdOf, streamEvents } from '../sse.js';

const tags = ['workflows'];
const params = idParam('id', 'wfr_01jd…');
const runStatus = z.enum(['running', 'waiting', 'succeeded', 'failed', 'canceled']);

const runSchema = z
  .object({
    id: z.string(),
    orgId: z.string(),
    workflowId: z.string(),
    workflow: z.string(),
    version: z.number(),
    status: runStatus,
    input: z.unknown(),
    output: z.unknown(),
    error: z.string().nullable(),
    taskId: z.string(),
    parentRunId: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.number(),
    updatedAt: z.number(),
    finishedAt: z.number().nullable(),
  })
  .openapi('WorkflowRun');
const stepSchema = z
  .object({
    key: z.string().openapi({ description: 'The step id, prefixed by its map item: `review[3].score`' }),
    stepId: z.string(),
    type: z.string(),
    status: z.enum(['running', 'waiting', 'decided', 'handling', 'completed', 'skipped', 'failed']),
    attempts: z.number(),
    output: z.unknown(),
    error: z.string().nullable(),
    wakeAt: z.number().nullable(),
    startedAt: z.number(),
    finishedAt: z.number().nullable(),
  })
  .openapi('WorkflowStepState');
const runDetailSchema = runSchema.extend({ steps: z.array(stepSchema) }).openapi('WorkflowRunDetail');
const runEndEvents = new Set(['workflow-run-succeeded', 'workflow-run-failed', 'workflow-run-canceled']);

const start = createRoute({
  method: 'post',
  path: '/v1/workflow-runs',
  operationId: 'startWorkflowRun',
  tags,
  security,
  summary: 'Start a run of a workflow (its latest version unless `version` is given) with an input (member)',
  request: { headers: idempotencyHeaders, body: jsonBody(withIdempotencyKey(startRunInput)) },
  responses: {
    201: jsonContent(runSchema, 'Started'),
    ...commonErrors,
    ...bodyErrors,
    ...idempotencyErrors,
  },
});
const list = createRoute({
  method: 'get',
  path: '/v1/workflow-runs',
  operationId: 'listWorkflowRuns',
  tags,
  security,
  summary: 'Runs of the org, newest first; filter by workflow name and comma-separated statuses',
  request: {
    query: pageQuery.extend({
      workflow: z.string().max(200).optional(),
      status: z.string().max(200).optional(),
    }),
  },
  responses: { 200: pageOf('runs', runSchema, 'Runs'), ...commonErrors },
});
const get = createRoute({
  method: 'get',
  path: '/v1/workflow-runs/{id}',
  operationId: 'getWorkflowRun',
  tags,
  security,
  summary: 'A run with the state of every step it reached',
  request: { params },
  responses: { 200: jsonContent(runDetailSchema, 'The run'), ...commonErrors },
});
const cancel = createRoute({
  method: 'post',
  path: '/v1/workflow-runs/{id}/cancel',
  operationId: 'cancelWorkflowRun',
  tags,
  security,
  summary:
    'Cancel a run with its sub-workflow runs and timers (member); a finished run is returned unchanged',
  request: { params },
  responses: { 200: jsonContent(runSchema, 'The run'), ...commonErrors, 413: bodyErrors[413] },
});
const decide = createRoute({
  method: 'post',
  path: '/v1/workflow-runs/{id}/approvals',
  operationId: 'decideWorkflowApproval',
  tags,
  security,
  summary: 'Approve or reject a waiting approval step (by its key) and resume the run (member)',
  request: {
    params,
    body: jsonBody(decisionInput.extend({ step: z.string().min(1).max(500).describe('The step key') })),
  },
  responses: {
    200: jsonContent(stepSchema, 'The step, decided'),
    ...commonErrors,
    ...bodyErrors,
    ...conflictError,
  },
});
const events = createRoute({
  method: 'get',
  path: '/v1/workflow-runs/{id}/events',
  operationId: 'streamWorkflowRunEvents',
  tags,
  security,
  summary: 'The run’s events as SSE until it ends; `Last-Event-ID` resumes',
  request: { params },
  responses: { 200: sseResponse, ...commonErrors },
});

export function registerWorkflowRunRoutes(app: ColonyApp, services: HttpServices): void {
  app.openapi(start, async (http) => {
    const { idempotencyKey, ...input } = http.req.valid('json');
    const started = await idempotently(http, services, contextOf(http, services), {
      body: input,
      bodyKey: idempotencyKey,
      run: (context) => startWorkflowRun(context, input),
      respond: (run) => ({ status: 201, body: run }),
    });
    return http.json(started.body, 201);
  });
  app.openapi(list, async (http) =>
    http.json(await listWorkflowRuns(contextOf(http, services), http.req.valid('query')), 200),
  );
  app.openapi(get, async (http) =>
    http.json(await getWorkflowRun(contextOf(http, services), http.req.valid('param').id), 200),
  );
  app.openapi(cancel, async (http) =>
    http.json(await cancelWorkflowRun(contextOf(http, services), http.req.valid('param').id), 200),
  );
  app.openapi(decide, async (http) => {
    const { step, ...decision } = http.req.valid('json');
    const state = await decideWorkflowApproval(
      contextOf(http, services),
      http.req.valid('param').id,
      step,
      decision,
    );
    return http.json(state, 200);
  });
  app.openapi(events, async (http) => {
    const context = contextOf(http, services);
    const run = await getWorkflowRun(context, http.req.valid('param').id);
    return streamEvents(http, services, {
      filter: { orgId: context.actor.orgId, subjectId: run.id, typePrefix: 'workflow-' },
      afterSeq: lastEventIdOf(http),
      until: (event) => runEndEvents.has(event.type),
    }) as never;
  });
}
