import { createRoute, z } from '@hono/zod-openapi';
import { listRoutingDecisions } from '../../orchestration/index.js';
import type { HttpServices } from '../http-services.js';
import { commonErrors, pageOf, pageQuery, security } from '../openapi-helpers.js';
import { type ColonyApp, contextOf } from '../request-context.js';

const scoreSchema = z.object({
  agentId: z.string(),
  name: z.string(),
  capability: z.number(),
  success: z.number(),
  load: z.number(),
  cost: z.number(),
  total: z.number(),
});

const decisionSchema = z
  .object({
    id: z.string(),
    orgId: z.string(),
    missionId: z.string().nullable(),
    missionTaskId: z.string().nullable(),
    taskRef: z.string(),
    query: z.string(),
    candidates: z.array(scoreSchema),
    chosen: z.array(z.string()),
    method: z.enum(['scores', 'router-model']),
    routerModel: z.string().nullable(),
    routerReason: z.string().nullable(),
    weights: z.object({ capability: z.number(), success: z.number(), load: z.number(), cost: z.number() }),
    createdAt: z.number(),
  })
  .openapi('RoutingDecision');

const list = createRoute({
  method: 'get',
  path: '/v1/routing-decisions',
  operationId: 'listRoutingDecisions',
  tags: ['missions'],
  security,
  summary: 'The expert gate’s decisions with every candidate’s score components, newest first',
  request: {
    query: pageQuery.extend({
      missionId: z.string().max(200).optional(),
      missionTaskId: z.string().max(200).optional(),
    }),
  },
  responses: { 200: pageOf('decisions', decisionSchema, 'A page of decisions'), ...commonErrors },
});

export function registerRoutingRoutes(app: ColonyApp, services: HttpServices): void {
  app.openapi(list, async (http) =>
    http.json(await listRoutingDecisions(contextOf(http, services), http.req.valid('query')), 200),
  );
}
