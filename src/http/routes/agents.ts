import { createRoute, z } from '@hono/zod-openapi';
import {
  type Agent,
  agentDefinitionSchema,
  agentJson,
  createAgent,
  createAgentInput,
  deleteAgent,
  getAgent,
  listAgents,
  updateAgent,
  updateAgentInput,
} from '../../agents/index.js';
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
  jsonVia,
  pageOf,
  pageQuery,
  security,
} from '../openapi-helpers.js';
import { type ColonyApp, contextOf } from '../request-context.js';

const agentSchema = agentDefinitionSchema
  .extend({
    id: z.string(),
    orgId: z.string(),
    name: z.string(),
    version: z.number().int(),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .openapi('Agent');

const params = idParam('id', 'agt_01jd…');
const tags = ['agents'];

const create = createRoute({
  method: 'post',
  path: '/v1/agents',
  operationId: 'createAgent',
  tags,
  security,
  summary: 'Create an agent (version 1)',
  request: { headers: idempotencyHeaders, body: jsonBody(withIdempotencyKey(createAgentInput)) },
  responses: {
    201: jsonContent(agentSchema, 'Created'),
    ...commonErrors,
    ...bodyErrors,
    ...conflictError,
    ...idempotencyErrors,
  },
});

const list = createRoute({
  method: 'get',
  path: '/v1/agents',
  operationId: 'listAgents',
  tags,
  security,
  summary: 'List agents',
  request: { query: pageQuery },
  responses: { 200: pageOf('agents', agentSchema, 'A page of agents'), ...commonErrors },
});

const get = createRoute({
  method: 'get',
  path: '/v1/agents/{id}',
  operationId: 'getAgent',
  tags,
  security,
  summary: 'Get an agent by id or name (current version, or ?version=)',
  request: { params, query: z.object({ version: z.coerce.number().int().min(1).optional() }) },
  responses: { 200: jsonContent(agentSchema, 'The agent'), ...commonErrors },
});

const update = createRoute({
  method: 'patch',
  path: '/v1/agents/{id}',
  operationId: 'updateAgent',
  tags,
  security,
  summary: 'Edit an agent: creates a new version',
  request: { params, body: jsonBody(updateAgentInput) },
  responses: {
    200: jsonContent(agentSchema, 'The new version'),
    ...commonErrors,
    ...bodyErrors,
    ...conflictError,
  },
});

const remove = createRoute({
  method: 'delete',
  path: '/v1/agents/{id}',
  operationId: 'deleteAgent',
  tags,
  security,
  summary: 'Delete an agent (soft; admin)',
  request: { params },
  responses: { 204: { description: 'Deleted' }, ...commonErrors },
});

/**
 * A page's JSON joined from each agent's own, which is written once per agent version
 * (`agentJson`): the same bytes as `JSON.stringify(page)`, without serializing unchanged agents
 * on every read.
 */
function pageJson(page: { agents: Agent[]; nextCursor: string | null }): string {
  return `{"agents":[${page.agents.map(agentJson).join(',')}],"nextCursor":${JSON.stringify(page.nextCursor)}}`;
}

export function registerAgentRoutes(app: ColonyApp, services: HttpServices): void {
  app.openapi(create, async (http) => {
    const { idempotencyKey, ...input } = http.req.valid('json');
    const created = await idempotently(http, services, contextOf(http, services), {
      body: input,
      bodyKey: idempotencyKey,
      run: (context) => createAgent(context, input),
      respond: (agent) => ({ status: 201, body: agent }),
    });
    return http.json(created.body, 201);
  });
  app.openapi(list, async (http) => {
    const query = http.req.valid('query');
    const page = await listAgents(contextOf(http, services), { limit: query.limit, after: query.cursor });
    return jsonVia(http, page, pageJson);
  });
  app.openapi(get, async (http) => {
    const agent = await getAgent(
      contextOf(http, services),
      http.req.valid('param').id,
      http.req.valid('query').version,
    );
    return jsonVia(http, agent, agentJson);
  });
  app.openapi(update, async (http) => {
    const agent = await updateAgent(
      contextOf(http, services),
      http.req.valid('param').id,
      http.req.valid('json'),
    );
    return http.json(agent, 200);
  });
  app.openapi(remove, async (http) => {
    await deleteAgent(contextOf(http, services), http.req.valid('param').id);
    return http.body(null, 204);
  });
}
