import { createRoute, z } from '@hono/zod-openapi';
import type { Context as HonoContext } from 'hono';
import { streamSSE } from 'hono/streaming';
import { agentCardOf, handleA2aCall, orgAgentCard } from '../../a2a/index.js';
import type { HttpEnvironment, HttpServices } from '../http-services.js';
import { jsonRpcMessage } from '../json-rpc-schema.js';
import { commonErrors, jsonContent, security } from '../openapi-helpers.js';
import { type ColonyApp, contextOf } from '../request-context.js';

const tags = ['a2a'];
const agentParam = z.object({
  agent: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'agent', in: 'path' }, example: 'researcher' }),
});
const cardSchema = z.record(z.string(), z.unknown()).openapi('A2aAgentCard');
const rpcAnswer = {
  200: {
    content: {
      'application/json': { schema: z.record(z.string(), z.unknown()) },
      'text/event-stream': { schema: z.string() },
    },
    description:
      'The JSON-RPC response (errors included, with A2A codes and Colony’s in `error.data.code`); `SendStreamingMessage` answers SSE, one JSON-RPC response per event',
  },
  ...commonErrors,
  413: jsonContent(z.record(z.string(), z.unknown()), 'Request body too large'),
  415: jsonContent(z.record(z.string(), z.unknown()), 'Send application/json'),
};
const rpcSummary =
  'A2A 1.0 JSON-RPC: SendMessage, SendStreamingMessage (SSE), GetTask, CancelTask; a task is a run, its contextId the chat';

const orgCard = createRoute({
  method: 'get',
  path: '/.well-known/agent-card.json',
  operationId: 'getA2aOrgCard',
  tags,
  security,
  summary: 'The A2A agent card of the key’s org: its agents as skills, its endpoint `/a2a`',
  responses: { 200: jsonContent(cardSchema, 'An A2A 1.0 agent card'), ...commonErrors },
});

const agentCard = createRoute({
  method: 'get',
  path: '/a2a/agents/{agent}/.well-known/agent-card.json',
  operationId: 'getA2aAgentCard',
  tags,
  security,
  summary: 'The A2A agent card of one agent (name or id); its endpoint `/a2a/agents/{name}`',
  request: { params: agentParam },
  responses: { 200: jsonContent(cardSchema, 'An A2A 1.0 agent card'), ...commonErrors },
});

const orgRpc = createRoute({
  method: 'post',
  path: '/a2a',
  operationId: 'a2aOrgCall',
  tags,
  security,
  summary: `${rpcSummary}; the message names its agent in metadata.agent (or continues a contextId)`,
  request: { body: { content: { 'application/json': { schema: jsonRpcMessage } }, required: true } },
  responses: rpcAnswer,
});

const agentRpc = createRoute({
  method: 'post',
  path: '/a2a/agents/{agent}',
  operationId: 'a2aAgentCall',
  tags,
  security,
  summary: `${rpcSummary}; messages go to this agent`,
  request: {
    params: agentParam,
    body: { content: { 'application/json': { schema: jsonRpcMessage } }, required: true },
  },
  responses: rpcAnswer,
});

/** Where cards point: the configured public URL, else the URL this request reached. */
function baseOf(http: HonoContext<HttpEnvironment>, services: HttpServices): string {
  const base = services.config.publicUrl ?? new URL(http.req.url).origin;
  return base.endsWith('/') ? base : `${base}/`;
}

/** A2A 1.0 over JSON-RPC: agent cards, and one endpoint per agent plus one for the org. */
export function registerA2aRoutes(app: ColonyApp, services: HttpServices): void {
  app.openapi(orgCard, async (http) =>
    http.json(await orgAgentCard(contextOf(http, services), baseOf(http, services)), 200),
  );
  app.openapi(agentCard, async (http) =>
    http.json(
      await agentCardOf(contextOf(http, services), http.req.valid('param').agent, baseOf(http, services)),
      200,
    ),
  );
  const call = async (http: HonoContext<HttpEnvironment>, body: unknown, agent: string | undefined) => {
    const request = contextOf(http, services);
    // One signal for the call and its stream: the request's, or the SSE client going away.
    const aborted = new AbortController();
    request.signal.addEventListener('abort', () => aborted.abort(), { once: true });
    const context = { services: request.services, actor: request.actor, signal: aborted.signal };
    const answer = await handleA2aCall(context, body, { agent }, http.req.header('A2A-Version'), (error) =>
      services.logger.error({ err: error, requestId: http.get('requestId') }, 'A2A call failed'),
    );
    if (answer.kind === 'response') return http.json(answer.response, 200);
    return streamSSE(http, async (stream) => {
      stream.onAbort(() => aborted.abort());
      try {
        for await (const result of answer.events) {
          await stream.writeSSE({ data: JSON.stringify({ jsonrpc: '2.0', id: answer.id, result }) });
        }
      } catch (thrown) {
        services.logger.error({ err: thrown, requestId: http.get('requestId') }, 'A2A stream failed');
        const error = { code: -32603, message: 'internal error', data: { code: 'internal' } };
        await stream.writeSSE({ data: JSON.stringify({ jsonrpc: '2.0', id: answer.id, error }) });
      }
    });
  };
  app.openapi(orgRpc, async (http) => (await call(http, http.req.valid('json'), undefined)) as never);
  app.openapi(
    agentRpc,
    async (http) => (await call(http, http.req.valid('json'), http.req.valid('param').agent)) as never,
  );
}
