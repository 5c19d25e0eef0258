import { createRoute, z } from '@hono/zod-openapi';
import { getAgent } from '../../agents/index.js';
import { listInbox, sendMessageAsCaller, sendMessageInput } from '../../collaboration/index.js';
import type { HttpServices } from '../http-services.js';
import {
  idempotencyErrors,
  idempotencyHeaders,
  idempotently,
  withIdempotencyKey,
} from '../idempotency/index.js';
import { bodyErrors, commonErrors, idParam, jsonBody, jsonContent, security } from '../openapi-helpers.js';
import { type ColonyApp, contextOf } from '../request-context.js';

const messageSchema = z
  .object({
    id: z.string(),
    sender: z.object({ kind: z.string(), id: z.string() }),
    recipientAgentId: z.string(),
    type: z.string(),
    content: z.string(),
    data: z.record(z.string(), z.unknown()),
    correlationId: z.string().nullable(),
    status: z.enum(['stored', 'delivered']),
    triggeredRunId: z.string().nullable(),
    createdAt: z.number(),
    deliveredAt: z.number().nullable(),
  })
  .openapi('AgentMessage');

const params = idParam('id', 'agt_01jd…');
const tags = ['agent messages'];

const send = createRoute({
  method: 'post',
  path: '/v1/agents/{id}/messages',
  operationId: 'sendAgentMessage',
  tags,
  security,
  summary:
    'Send a durable message to an agent (deduplicated by `id`); by default it triggers the agent’s run',
  request: { params, headers: idempotencyHeaders, body: jsonBody(withIdempotencyKey(sendMessageInput)) },
  responses: {
    202: jsonContent(z.object({ message: messageSchema, duplicate: z.boolean() }), 'Stored (and delivered)'),
    ...commonErrors,
    ...bodyErrors,
    ...idempotencyErrors,
  },
});

const inbox = createRoute({
  method: 'get',
  path: '/v1/agents/{id}/messages',
  operationId: 'listAgentMessages',
  tags,
  security,
  summary: 'The agent’s inbox, oldest first',
  request: {
    params,
    query: z.object({
      // `type`: zod-to-openapi calls a coerced number that takes null (Number(null) is 0) nullable.
      after: z.coerce
        .number()
        .int()
        .min(0)
        .optional()
        .openapi({ type: 'integer', minimum: 0, description: 'Only messages created after (epoch ms)' }),
      limit: z.coerce.number().int().min(1).max(200).optional(),
      correlationId: z.string().max(200).optional(),
    }),
  },
  responses: {
    200: jsonContent(z.object({ messages: z.array(messageSchema) }), 'Messages'),
    ...commonErrors,
  },
});

export function registerAgentMessageRoutes(app: ColonyApp, services: HttpServices): void {
  app.openapi(send, async (http) => {
    const agent = http.req.valid('param').id;
    const { idempotencyKey, ...input } = http.req.valid('json');
    const sent = await idempotently(http, services, contextOf(http, services), {
      body: input,
      bodyKey: idempotencyKey,
      run: (context) => sendMessageAsCaller(context, agent, input),
      respond: (result) => ({ status: 202, body: result }),
    });
    return http.json(sent.body, 202);
  });
  app.openapi(inbox, async (http) => {
    const context = contextOf(http, services);
    const agent = await getAgent(context, http.req.valid('param').id);
    const query = http.req.valid('query');
    const messages = await listInbox(services, context.actor.orgId, agent.id, query);
    return http.json({ messages }, 200);
  });
}
