import { createRoute, z } from '@hono/zod-openapi';
import { createMcpHandler } from '@modelcontextprotocol/server';
import type { Context } from '../../context/index.js';
import { ColonyError } from '../../errors/index.js';
import { createColonyMcpServer } from '../../mcp-server/index.js';
import type { MemoryServices } from '../../memory/index.js';
import type { HttpServices } from '../http-services.js';
import { jsonRpcMessage } from '../json-rpc-schema.js';
import { security } from '../openapi-helpers.js';
import { type ColonyApp, contextOf } from '../request-context.js';

const mcpAnswer = (description: string) => ({
  content: {
    'application/json': { schema: z.record(z.string(), z.unknown()) },
    'text/event-stream': { schema: z.string() },
  },
  description,
});

const mcp = createRoute({
  method: 'post',
  path: '/mcp',
  operationId: 'mcp',
  tags: ['mcp'],
  security,
  summary:
    'MCP server (streamable HTTP, stateless; protocol 2026-07-28 and the 2025 revisions): tools list_agents, ask_agent, start_mission, get_mission, search_memory, add_memory',
  request: { body: { content: { 'application/json': { schema: jsonRpcMessage } }, required: true } },
  responses: {
    200: mcpAnswer('The JSON-RPC response (JSON, or SSE when the answer streams)'),
    202: { description: 'A notification, accepted' },
    400: mcpAnswer('Not a valid MCP request (a JSON-RPC error, or Colony’s error body)'),
    401: mcpAnswer('Missing, invalid or revoked API key'),
    404: mcpAnswer('Unknown session (the server is stateless)'),
    405: mcpAnswer('Method not allowed'),
    406: mcpAnswer('The Accept header must take application/json and text/event-stream'),
    413: mcpAnswer('Request body too large'),
    415: mcpAnswer('Send application/json'),
    429: mcpAnswer('Rate limited; see Retry-After'),
    500: mcpAnswer('Unexpected failure'),
    503: mcpAnswer('Temporarily unavailable'),
  },
});

const mcpStream = createRoute({
  method: 'get',
  path: '/mcp',
  operationId: 'mcpStream',
  tags: ['mcp'],
  security,
  summary: 'The 2025 standalone SSE stream: not offered (the server is stateless), always 405',
  responses: {
    405: mcpAnswer('Method not allowed: send requests with POST'),
    401: mcpAnswer('Missing, invalid or revoked API key'),
    429: mcpAnswer('Rate limited; see Retry-After'),
  },
});

/**
 * `POST /mcp`: Colony as an MCP server. The bearer key is checked by the app like on `/v1`; each
 * request gets a server instance bound to its caller, so tools see that key's org and role.
 */
export function registerMcpRoutes(app: ColonyApp, httpServices: HttpServices): void {
  const services: HttpServices & MemoryServices = httpServices;
  const contexts = new WeakMap<Request, Context<HttpServices & MemoryServices>>();
  const handler = createMcpHandler(
    ({ requestInfo }) => {
      const context = requestInfo && contexts.get(requestInfo);
      if (!context) throw new ColonyError('internal', 'an MCP request without its caller');
      return createColonyMcpServer(context);
    },
    {
      maxRequestBodySize: services.config.bodyLimitBytes,
      onerror: (error) => services.logger.debug({ err: error }, 'MCP request refused'),
    },
  );
  // The SDK answers the 2025 session operations of a stateless server: 405.
  app.openapi(mcpStream, async (http) => (await handler.fetch(http.req.raw)) as never);
  app.openapi(mcp, async (http) => {
    const body = http.req.valid('json');
    contexts.set(http.req.raw, contextOf(http, services));
    const answer = await handler.fetch(http.req.raw, { parsedBody: body });
    // The SDK's response replaces Hono's: it keeps the request id the access log and audit rows name.
    const headers = new Headers(answer.headers);
    headers.set('X-Request-Id', http.get('requestId'));
    return new Response(answer.body, { status: answer.status, headers }) as never;
  });
}
