import { createRoute, z } from '@hono/zod-openapi';
import {
  createChat,
  createChatInput,
  getChat,
  listChats,
  listMessages,
  postMessage,
  postMessageInput,
} from '../../chats/index.js';
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
import { streamEvents } from '../sse.js';
import { isRunEnd } from './runs.js';

const chatSchema = z
  .object({
    id: z.string(),
    orgId: z.string(),
    agentId: z.string(),
    title: z.string(),
    summary: z.string(),
    summaryVersion: z.number(),
    messageCursor: z.number(),
    messageCount: z.number(),
    participants: z.array(z.object({ kind: z.enum(['user', 'agent', 'api_key']), id: z.string() })),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .openapi('Chat');

const messageSchema = z
  .object({
    id: z.string(),
    chatId: z.string(),
    seq: z.number(),
    role: z.enum(['user', 'assistant', 'system']),
    authorKind: z.string(),
    authorId: z.string().nullable(),
    content: z.string(),
    runId: z.string().nullable(),
    createdAt: z.number(),
  })
  .openapi('Message');

const runRefSchema = z.object({
  id: z.string(),
  status: z.string(),
  model: z.string(),
  offline: z.boolean(),
});
const params = idParam('id', 'chat_01jd…');
const tags = ['chats'];

const create = createRoute({
  method: 'post',
  path: '/v1/chats',
  operationId: 'createChat',
  tags,
  security,
  summary: 'Start a chat with an agent (by id or name)',
  request: { headers: idempotencyHeaders, body: jsonBody(withIdempotencyKey(createChatInput)) },
  responses: {
    201: jsonContent(chatSchema, 'Created'),
    ...commonErrors,
    ...bodyErrors,
    ...idempotencyErrors,
  },
});
const list = createRoute({
  method: 'get',
  path: '/v1/chats',
  operationId: 'listChats',
  tags,
  security,
  summary: 'List chats',
  request: { query: pageQuery },
  responses: { 200: pageOf('chats', chatSchema, 'A page of chats'), ...commonErrors },
});
const get = createRoute({
  method: 'get',
  path: '/v1/chats/{id}',
  operationId: 'getChat',
  tags,
  security,
  summary: 'Get a chat',
  request: { params },
  responses: { 200: jsonContent(chatSchema, 'The chat'), ...commonErrors },
});
const post = createRoute({
  method: 'post',
  path: '/v1/chats/{id}/messages',
  operationId: 'postChatMessage',
  tags,
  security,
  summary:
    'Post a message; the agent answers in a run. With `Accept: text/event-stream` the run is streamed.',
  request: { params, headers: idempotencyHeaders, body: jsonBody(withIdempotencyKey(postMessageInput)) },
  responses: {
    202: {
      content: {
        'application/json': { schema: z.object({ message: messageSchema, run: runRefSchema }) },
        'text/event-stream': { schema: z.string() },
      },
      description: 'Accepted: the run is queued (JSON), or the run’s events as SSE until it ends',
    },
    ...commonErrors,
    ...bodyErrors,
    ...conflictError,
    ...idempotencyErrors,
  },
});
const messages = createRoute({
  method: 'get',
  path: '/v1/chats/{id}/messages',
  operationId: 'listChatMessages',
  tags,
  security,
  summary: 'List messages in order; `cursor` is the last seen `seq`',
  request: {
    params,
    query: z.object({
      limit: z.coerce.number().int().min(1).max(200).optional(),
      // `type`: zod-to-openapi calls a coerced number that takes null (Number(null) is 0) nullable.
      cursor: z.coerce.number().int().min(0).optional().openapi({ type: 'integer', minimum: 0 }),
    }),
  },
  responses: {
    200: jsonContent(
      z.object({ messages: z.array(messageSchema), nextCursor: z.number().nullable() }),
      'A page',
    ),
    ...commonErrors,
  },
});

export function registerChatRoutes(app: ColonyApp, services: HttpServices): void {
  app.openapi(create, async (http) => {
    const { idempotencyKey, ...input } = http.req.valid('json');
    const created = await idempotently(http, services, contextOf(http, services), {
      body: input,
      bodyKey: idempotencyKey,
      run: (context) => createChat(context, input),
      respond: (chat) => ({ status: 201, body: chat }),
    });
    return http.json(created.body, 201);
  });
  app.openapi(list, async (http) => {
    const query = http.req.valid('query');
    return http.json(
      await listChats(contextOf(http, services), { limit: query.limit, after: query.cursor }),
      200,
    );
  });
  app.openapi(get, async (http) =>
    http.json(await getChat(contextOf(http, services), http.req.valid('param').id), 200),
  );
  app.openapi(post, async (http) => {
    const context = contextOf(http, services);
    const chatId = http.req.valid('param').id;
    const { idempotencyKey, ...input } = http.req.valid('json');
    const { body: accepted } = await idempotently(http, services, context, {
      body: input,
      bodyKey: idempotencyKey,
      run: (guarded) => postMessage(guarded, chatId, input),
      respond: (result) => ({ status: 202, body: result }),
    });
    if (http.req.header('Accept')?.includes('text/event-stream')) {
      // A replay streams the first request's run again, from its first event.
      http.status(202);
      return streamEvents(http, services, {
        filter: { orgId: context.actor.orgId, runId: accepted.run.id },
        afterSeq: 0,
        live: true,
        until: isRunEnd,
      }) as never;
    }
    return http.json(accepted, 202);
  });
  app.openapi(messages, async (http) => {
    const query = http.req.valid('query');
    const page = await listMessages(contextOf(http, services), http.req.valid('param').id, {
      after: query.cursor,
      limit: query.limit,
    });
    return http.json(page, 200);
  });
}
