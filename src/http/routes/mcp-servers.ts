import { createRoute, z } from '@hono/zod-openapi';
import {
  createMcpServer,
  createMcpServerInput,
  deleteMcpServer,
  getMcpServer,
  listMcpServers,
  mcpTransport,
  updateMcpServer,
  updateMcpServerInput,
} from '../../mcp/index.js';
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
} from '../openapi-helpers.js';
import { type ColonyApp, contextOf } from '../request-context.js';

const mcpServerSchema = z
  .object({
    id: z.string(),
    orgId: z.string().nullable(),
    name: z.string(),
    description: z.string(),
    transport: mcpTransport,
    source: z.enum(['api', 'config']),
    version: z.number().int(),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .openapi('McpServer');

const params = idParam('id', 'mcps_01jd…');
const tags = ['mcp-servers'];

const create = createRoute({
  method: 'post',
  path: '/v1/mcp-servers',
  operationId: 'createMcpServer',
  tags,
  security,
  summary: 'Register an MCP server for the org (admin); environment and header values are never shown again',
  request: { headers: idempotencyHeaders, body: jsonBody(withIdempotencyKey(createMcpServerInput)) },
  responses: {
    201: jsonContent(mcpServerSchema, 'Created'),
    ...commonErrors,
    ...bodyErrors,
    ...conflictError,
    ...idempotencyErrors,
  },
});

const list = createRoute({
  method: 'get',
  path: '/v1/mcp-servers',
  operationId: 'listMcpServers',
  tags,
  security,
  summary: "List MCP servers: the configuration file's, then the org's",
  request: { query: pageQuery },
  responses: { 200: pageOf('mcpServers', mcpServerSchema, 'A page of MCP servers'), ...commonErrors },
});

const get = createRoute({
  method: 'get',
  path: '/v1/mcp-servers/{id}',
  operationId: 'getMcpServer',
  tags,
  security,
  summary: 'Get an MCP server by id or name',
  request: { params },
  responses: { 200: jsonContent(mcpServerSchema, 'The MCP server'), ...commonErrors },
});

const update = createRoute({
  method: 'patch',
  path: '/v1/mcp-servers/{id}',
  operationId: 'updateMcpServer',
  tags,
  security,
  summary: 'Edit an MCP server (admin): a new transport replaces the old one whole',
  request: { params, body: jsonBody(updateMcpServerInput) },
  responses: {
    200: jsonContent(mcpServerSchema, 'The edited server'),
    ...commonErrors,
    ...bodyErrors,
    ...conflictError,
  },
});

const remove = createRoute({
  method: 'delete',
  path: '/v1/mcp-servers/{id}',
  operationId: 'deleteMcpServer',
  tags,
  security,
  summary: 'Remove an MCP server (admin) and stop it',
  request: { params },
  responses: { 204: { description: 'Removed' }, ...commonErrors, ...conflictError },
});

export function registerMcpServerRoutes(app: ColonyApp, services: HttpServices): void {
  app.openapi(create, async (http) => {
    const { idempotencyKey, ...input } = http.req.valid('json');
    const created = await idempotently(http, services, contextOf(http, services), {
      body: input,
      bodyKey: idempotencyKey,
      run: (context) => createMcpServer(context, input),
      respond: (server) => ({ status: 201, body: server }),
    });
    return http.json(created.body, 201);
  });
  app.openapi(list, async (http) => {
    const query = http.req.valid('query');
    const page = await listMcpServers(contextOf(http, services), { limit: query.limit, after: query.cursor });
    return http.json(page, 200);
  });
  app.openapi(get, async (http) => {
    return http.json(await getMcpServer(contextOf(http, services), http.req.valid('param').id), 200);
  });
  app.openapi(update, async (http) => {
    const server = await updateMcpServer(
      contextOf(http, services),
      http.req.valid('param').id,
      http.req.valid('json'),
    );
    return http.json(server, 200);
  });
  app.openapi(remove, async (http) => {
    await deleteMcpServer(contextOf(http, services), http.req.valid('param').id);
    return http.body(null, 204);
  });
}
