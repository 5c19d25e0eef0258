import { createRoute, z } from '@hono/zod-openapi';
import { type UsageDimension, usageDimensions, usageReport } from '../../usage/index.js';
import type { HttpServices } from '../http-services.js';
import { commonErrors, epochMsQuery, jsonContent, security } from '../openapi-helpers.js';
import { type ColonyApp, contextOf } from '../request-context.js';

const totals = {
  calls: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  totalTokens: z.number().int(),
  costUsd: z.number(),
};
const usageRowSchema = z
  .object({
    ...totals,
    agent: z.object({ id: z.string().nullable(), name: z.string().nullable() }).optional(),
    model: z.object({ provider: z.string(), id: z.string() }).optional(),
    day: z.string().optional().openapi({ description: 'UTC day, YYYY-MM-DD', example: '2026-12-03' }),
  })
  .openapi('UsageRow');
const usageReportSchema = z
  .object({
    from: z.number(),
    to: z.number(),
    groupBy: z.array(z.enum(usageDimensions)),
    rows: z.array(usageRowSchema),
    total: z.object(totals),
  })
  .openapi('UsageReport');

const time = epochMsQuery;

const usageQuery = z.object({
  from: time('epoch ms, inclusive; default: the start of the current UTC month'),
  to: time('epoch ms, exclusive; default: now'),
  groupBy: z
    .string()
    .max(40)
    .regex(/^(agent|model|day)(,(agent|model|day))*$/, 'a comma-separated list of agent, model, day')
    .optional()
    .openapi({ example: 'agent,day' }),
  agent: z.string().trim().min(1).max(200).optional().openapi({ description: 'an agent id or name' }),
});

const report = createRoute({
  method: 'get',
  path: '/v1/usage',
  operationId: 'getUsage',
  tags: ['usage'],
  security,
  summary:
    'Model usage and cost of the org over a time range (default: this UTC month), split by agent, model and/or UTC day',
  request: { query: usageQuery },
  responses: { 200: jsonContent(usageReportSchema, 'Usage'), ...commonErrors },
});

export function registerUsageRoutes(app: ColonyApp, services: HttpServices): void {
  app.openapi(report, async (http) => {
    const { groupBy, ...query } = http.req.valid('query');
    const dimensions = (groupBy?.split(',') ?? []) as UsageDimension[];
    return http.json(await usageReport(contextOf(http, services), { ...query, groupBy: dimensions }), 200);
  });
}
