import { createRoute, z } from '@hono/zod-openapi';
import { listAgents } from '../../agents/index.js';
import { type ChatWatch, followToOutcome, startTurn, watchChat } from '../../turns/index.js';
import type { HttpServices } from '../http-services.js';
import { idempotently } from '../idempotency/index.js';
import { chatCompletionResponse, streamChatCompletion } from '../openai/chat-completion.js';
import { lastUserText } from '../openai/completion-input.js';
import {
  chatCompletion,
  chatCompletionHeaders,
  chatCompletionRequest,
  modelList,
  openAiErrors,
} from '../openai/openai-schemas.js';

import { jsonBody, jsonContent, security } from '../openapi-helpers.js';
import { type ColonyApp, contextOf } from '../request-context.js';

const tags = ['openai'];

const completions = createRoute({
  method: 'post',
  path: '/v1/chat/completions',
  operationId: 'createChatCompletion',
  tags,
  security,
  summary:
    'OpenAI-compatible chat completion: `model` is an agent; tools run server-side; `stream` sends chunks',
  request: { headers: chatCompletionHeaders, body: jsonBody(chatCompletionRequest) },
  responses: {
    200: {
      content: {
        'application/json': { schema: chatCompletion },
        'text/event-stream': { schema: z.string() },
      },
      description:
        'The agent’s answer (or, with `finish_reason: approval_required`, what its run waits for); as chunks with `stream`',
    },
    ...openAiErrors,
  },
});

const models = createRoute({
  method: 'get',
  path: '/v1/models',
  operationId: 'listModels',
  tags,
  security,
  summary: 'The org’s agents as OpenAI models (the `id` is the agent’s name)',
  responses: {
    200: jsonContent(modelList, 'The org’s agents'),
    400: openAiErrors[400],
    401: openAiErrors[401],
    403: openAiErrors[403],
    404: openAiErrors[404],
    429: openAiErrors[429],
    500: openAiErrors[500],
    503: openAiErrors[503],
  },
});

/** `POST /v1/chat/completions` and `GET /v1/models`: any OpenAI client can talk to an agent. */
export function registerOpenAiRoutes(app: ColonyApp, services: HttpServices): void {
  app.openapi(completions, async (http) => {
    const context = contextOf(http, services);
    const body = http.req.valid('json');
    const header = http.req.valid('header')['x-colony-chat-id'];
    const chatId = header ?? (body.user?.startsWith('chat_') ? body.user : undefined);
    const content = lastUserText(body.messages);
    let watch: ChatWatch | undefined;
    let streaming = false;
    const beforeMessage = (id: string) => {
      // A retried idempotent attempt subscribes again: the earlier subscription is dropped.
      watch?.close();
      watch = watchChat(services, context.actor.orgId, id);
    };
    try {
      const { body: turn } = await idempotently(http, services, context, {
        body: { model: body.model, chatId, content, stream: body.stream ?? false },
        run: (guarded) => startTurn(guarded, { agent: body.model, chatId, content }, { beforeMessage }),
        respond: (started) => ({ status: 200, body: started }),
      });
      // A replay did not subscribe: follow the first request's run from its start.
      const following = watch ?? watchChat(services, context.actor.orgId, turn.chatId);
      watch = following;
      http.header('X-Colony-Chat-Id', turn.chatId);
      const model = body.model;
      if (body.stream) {
        streaming = true;
        return streamChatCompletion(http, context, following, turn, {
          model,
          includeUsage: body.stream_options?.include_usage === true,
        }) as never;
      }
      const outcome = await followToOutcome(context, following, turn.runId, context.signal);
      return http.json(chatCompletionResponse(services, turn, model, outcome), 200);
    } finally {
      if (!streaming) watch?.close();
    }
  });
  app.openapi(models, async (http) => {
    const context = contextOf(http, services);
    const data = [];
    let after: string | undefined;
    do {
      const page = await listAgents(context, { limit: 200, after });
      for (const agent of page.agents) {
        data.push({
          id: agent.name,
          object: 'model' as const,
          created: Math.floor(agent.createdAt / 1000),
          owned_by: context.actor.orgId,
          colony: { agentId: agent.id, version: agent.version },
        });
      }
      after = page.nextCursor ?? undefined;
    } while (after);
    return http.json({ object: 'list' as const, data }, 200);
  });
}
