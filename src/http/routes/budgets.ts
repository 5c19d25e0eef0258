import { createRoute, z } from '@hono/zod-openapi';
import { deleteBudget, listBudgets, setBudget } from '../../usage/index.js';
import type { HttpServices } from '../http-services.js';
import { bodyErrors, commonErrors, idParam, jsonBody, jsonContent, security } from '../openapi-helpers.js';
import { type ColonyApp, contextOf } from '../request-context.js';

const tags = ['usage'];

const budgetSchema = z
  .object({
    scope: z.enum(['org', 'agent']),
    agent: z.object({ id: z.string(), name: z.string() }).nullable(),
    maxTokensPerMonth: z.number().int().nullable(),
    maxCostUsdPerMonth: z.number().nullable(),
    used: z.object({
      tokens: z.number().int(),
      costUsd: z.number(),
      since: z.number().openapi({ description: 'the start of this UTC month, epoch ms' }),
    }),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .openapi('Budget');

const budgetInput = z
  .strictObject({
    maxTokensPerMonth: z
      .number()
      .int()
      .min(1)
      .max(1e15)
      .nullable()
      .optional()
      .openapi({ description: 'tokens (input + output) per UTC month; null lifts the limit' }),
    maxCostUsdPerMonth: z
      .number()
      .min(0)
      .max(1e9)
      .nullable()
      .optional()
      .openapi({ description: 'USD per UTC month; null lifts the limit' }),
  })
  .openapi('BudgetInput');

const agentParam = idParam('id', 'researcher');

const list = createRoute({
  method: 'get',
  path: '/v1/budgets',
  operationId: 'listBudgets',
  tags,
  security,
  summary: "The org's monthly budgets, each with this UTC month's use",
  responses: { 200: jsonContent(z.object({ budgets: z.array(budgetSchema) }), 'Budgets'), ...commonErrors },
});

const setOrg = createRoute({
  method: 'put',
  path: '/v1/budgets/org',
  operationId: 'setOrgBudget',
  tags,
  security,
  summary:
    "Set the org's monthly budget (admin): once spent, new runs get 429 quota_exceeded and running ones stop before their next model step",
  request: { body: jsonBody(budgetInput) },
  responses: { 200: jsonContent(budgetSchema, 'The budget'), ...commonErrors, ...bodyErrors },
});

const removeOrg = createRoute({
  method: 'delete',
  path: '/v1/budgets/org',
  operationId: 'deleteOrgBudget',
  tags,
  security,
  summary: "Remove the org's monthly budget (admin)",
  responses: { 204: { description: 'Removed' }, ...commonErrors },
});

const setAgent = createRoute({
  method: 'put',
  path: '/v1/budgets/agents/{id}',
  operationId: 'setAgentBudget',
  tags,
  security,
  summary: "Set an agent's monthly budget (admin), by its id or name",
  request: { params: agentParam, body: jsonBody(budgetInput) },
  responses: { 200: jsonContent(budgetSchema, 'The budget'), ...commonErrors, ...bodyErrors },
});

const removeAgent = createRoute({
  method: 'delete',
  path: '/v1/budgets/agents/{id}',
  operationId: 'deleteAgentBudget',
  tags,
  security,
  summary: "Remove an agent's monthly budget (admin)",
  request: { params: agentParam },
  responses: { 204: { description: 'Removed' }, ...commonErrors },
});

export function registerBudgetRoutes(app: ColonyApp, services: HttpServices): void {
  app.openapi(list, async (http) =>
    http.json({ budgets: await listBudgets(contextOf(http, services)) }, 200),
  );
  app.openapi(setOrg, async (http) =>
    http.json(await setBudget(contextOf(http, services), undefined, http.req.valid('json')), 200),
  );
  app.openapi(removeOrg, async (http) => {
    await deleteBudget(contextOf(http, services), undefined);
    return http.body(null, 204);
  });
  app.openapi(setAgent, async (http) =>
    http.json(
      await setBudget(contextOf(http, services), http.req.valid('param').id, http.req.valid('json')),
      200,
    ),
  );
  app.openapi(removeAgent, async (http) => {
    await deleteBudget(contextOf(http, services), http.req.valid('param').id);
    return http.body(null, 204);
  });
}
