import { createRoute, z } from '@hono/zod-openapi';
import {
  approveCheckpoints,
  createMission,
  createMissionInput,
  getMission,
  listMissions,
  missionEndEvents,
  missionStates,
  stopMission,
  stopOrg,
} from '../../orchestration/index.js';
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

const usageSchema = z.object({ inputTokens: z.number(), outputTokens: z.number(), costUsd: z.number() });

const missionSchema = z
  .object({
    id: z.string(),
    orgId: z.string(),
    goal: z.string(),
    state: z.enum(missionStates),
    error: z.string().nullable(),
    generation: z.number(),
    replans: z.number(),
    plan: z.unknown(),
    report: z.string().nullable(),
    budget: z.object({ maxTokens: z.number().optional(), maxCostUsd: z.number().optional() }),
    usage: usageSchema,
    options: z.record(z.string(), z.unknown()),
    progress: z.object({
      total: z.number(),
      succeeded: z.number(),
      failed: z.number(),
      running: z.number(),
      pending: z.number(),
      canceled: z.number(),
    }),
    taskId: z.string(),
    deadlineAt: z.number().nullable(),
    createdBy: z.string().nullable(),
    createdAt: z.number(),
    updatedAt: z.number(),
    finishedAt: z.number().nullable(),
  })
  .openapi('Mission');

const missionTaskSchema = z
  .object({
    id: z.string(),
    key: z.string(),
    generation: z.number(),
    title: z.string(),
    description: z.string(),
    capability: z.string(),
    dependsOn: z.array(z.string()),
    acceptance: z.array(z.string()),
    k: z.number(),
    assignees: z.array(z.object({ agentId: z.string(), name: z.string() })),
    routingDecisionId: z.string().nullable(),
    status: z.enum(['pending', 'running', 'checkpoint', 'succeeded', 'failed', 'canceled']),
    attempts: z.number(),
    maxAttempts: z.number(),
    result: z.string().nullable(),
    votes: z.unknown(),
    violations: z.array(
      z.object({
        attempt: z.number(),
        agentId: z.string().nullable(),
        runId: z.string().nullable(),
        violations: z.array(z.string()),
        at: z.number(),
      }),
    ),
    runIds: z.array(z.string()),
    error: z.string().nullable(),
    usage: usageSchema,
    taskId: z.string(),
    createdAt: z.number(),
    startedAt: z.number().nullable(),
    finishedAt: z.number().nullable(),
  })
  .openapi('MissionTask');

const boardSchema = missionSchema
  .extend({
    tasks: z.array(missionTaskSchema),
    checkpoints: z.array(
      z.object({
        name: z.string(),
        status: z.enum(['pending', 'approved', 'canceled']),
        reachedAt: z.number(),
        decidedAt: z.number().nullable(),
        decidedBy: z.string().nullable(),
      }),
    ),
    handoffs: z.array(
      z.object({
        id: z.string(),
        fromTaskId: z.string(),
        toTaskId: z.string(),
        fromAgentId: z.string().nullable(),
        toAgentId: z.string().nullable(),
        summary: z.string(),
        decisions: z.array(z.string()),
        nextSteps: z.array(z.string()),
        createdAt: z.number(),
      }),
    ),
  })
  .openapi('MissionBoard');

const reasonBody = z.object({ reason: z.string().max(500).optional() }).strict();
const params = idParam('id', 'msn_01jd…');
const tags = ['missions'];

const create = createRoute({
  method: 'post',
  path: '/v1/missions',
  operationId: 'createMission',
  tags,
  security,
  summary: 'Start a mission: a goal becomes a plan, tasks assigned by the expert gate, and a report (member)',
  request: { headers: idempotencyHeaders, body: jsonBody(withIdempotencyKey(createMissionInput)) },
  responses: {
    202: jsonContent(missionSchema, 'Accepted; planning starts at once'),
    ...commonErrors,
    ...bodyErrors,
    ...idempotencyErrors,
  },
});
const list = createRoute({
  method: 'get',
  path: '/v1/missions',
  operationId: 'listMissions',
  tags,
  security,
  summary: 'List missions, newest first',
  request: {
    query: pageQuery.extend({ state: z.enum(missionStates).optional() }),
  },
  responses: { 200: pageOf('missions', missionSchema, 'A page of missions'), ...commonErrors },
});
const get = createRoute({
  method: 'get',
  path: '/v1/missions/{id}',
  operationId: 'getMission',
  tags,
  security,
  summary: 'The status board: plan DAG with states, assignees, timings, tokens, cost, violations, report',
  request: { params },
  responses: { 200: jsonContent(boardSchema, 'The mission'), ...commonErrors },
});
const events = createRoute({
  method: 'get',
  path: '/v1/missions/{id}/events',
  operationId: 'streamMissionEvents',
  tags,
  security,
  summary: 'The mission’s events as SSE until it ends; `Last-Event-ID` resumes',
  request: { params },
  responses: {
    200: sseResponse,
    ...commonErrors,
  },
});
const approve = createRoute({
  method: 'post',
  path: '/v1/missions/{id}/checkpoints/approve',
  operationId: 'approveMissionCheckpoints',
  tags,
  security,
  summary: 'Approve the pending checkpoints (or the one named) so the mission continues (member)',
  request: {
    params,
    body: { ...jsonBody(z.object({ name: z.string().min(1).max(64).optional() }).strict()), required: false },
  },
  responses: {
    200: jsonContent(boardSchema, 'The mission'),
    ...commonErrors,
    ...bodyErrors,
    ...conflictError,
  },
});
const stop = createRoute({
  method: 'post',
  path: '/v1/missions/{id}/stop',
  operationId: 'stopMission',
  tags,
  security,
  summary: 'Emergency stop: cancel the mission’s outstanding tasks and runs now (member)',
  request: { params, body: { ...jsonBody(reasonBody), required: false } },
  responses: { 200: jsonContent(boardSchema, 'The mission, canceled'), ...commonErrors, ...bodyErrors },
});
const stopAll = createRoute({
  method: 'post',
  path: '/v1/stop',
  operationId: 'stopOrg',
  tags,
  security,
  summary: 'Org-wide emergency stop: cancel every unfinished mission and run of the org (admin)',
  request: { body: { ...jsonBody(reasonBody), required: false } },
  responses: {
    200: jsonContent(
      z.object({ missions: z.array(z.string()), runs: z.array(z.string()) }),
      'What was stopped',
    ),
    ...commonErrors,
    ...bodyErrors,
  },
});

export function registerMissionRoutes(app: ColonyApp, services: HttpServices): void {
  app.openapi(create, async (http) => {
    const { idempotencyKey, ...input } = http.req.valid('json');
    const created = await idempotently(http, services, contextOf(http, services), {
      body: input,
      bodyKey: idempotencyKey,
      run: (context) => createMission(context, input),
      respond: (mission) => ({ status: 202, body: mission }),
    });
    return http.json(created.body, 202);
  });
  app.openapi(list, async (http) =>
    http.json(await listMissions(contextOf(http, services), http.req.valid('query')), 200),
  );
  app.openapi(get, async (http) =>
    http.json(await getMission(contextOf(http, services), http.req.valid('param').id), 200),
  );
  app.openapi(events, async (http) => {
    const context = contextOf(http, services);
    const mission = await getMission(context, http.req.valid('param').id);
    return streamEvents(http, services, {
      filter: { orgId: context.actor.orgId, subjectId: mission.id, typePrefix: 'mission-' },
      afterSeq: lastEventIdOf(http),
      until: (event) => missionEndEvents.has(event.type),
    }) as never;
  });
  app.openapi(approve, async (http) =>
    http.json(
      await approveCheckpoints(
        contextOf(http, services),
        http.req.valid('param').id,
        http.req.valid('json') ?? {},
      ),
      200,
    ),
  );
  app.openapi(stop, async (http) =>
    http.json(
      await stopMission(contextOf(http, services), http.req.valid('param').id, http.req.valid('json') ?? {}),
      200,
    ),
  );
  app.openapi(stopAll, async (http) =>
    http.json(await stopOrg(contextOf(http, services), http.req.valid('json') ?? {}), 200),
  );
}
