import { createRoute } from '@hono/zod-openapi';
import { getChat } from '../../chats/index.js';
import { invalidInput, notFound } from '../../errors/index.js';
import { decideApproval, findActiveRun, getRun } from '../../runtime/index.js';
import { type ChatWatch, lastRunEventSeq, startTurn, watchChat } from '../../turns/index.js';
import type { HttpServices } from '../http-services.js';
import { idempotencyErrors, idempotently } from '../idempotency/index.js';
import { bodyErrors, commonErrors, conflictError, idParam, jsonBody, security } from '../openapi-helpers.js';
import { type ColonyApp, contextOf } from '../request-context.js';
import { accessTokenQuery } from '../sse.js';
import { streamUiMessages } from '../ui-stream/stream-ui.js';
import { uiChatHeaders, uiChatRequest, uiStreamResponse } from '../ui-stream/ui-chat-schemas.js';
import { readUiRequest } from '../ui-stream/ui-request.js';

const tags = ['chats'];

const send = createRoute({
  method: 'post',
  path: '/v1/ui-chat',
  operationId: 'sendUiChatMessages',
  tags,
  security,
  summary:
    'The AI SDK chat endpoint (`DefaultChatTransport({ api: "/v1/ui-chat" })`): a user turn or approval responses, answered as a UI message stream',
  request: { headers: uiChatHeaders, body: jsonBody(uiChatRequest) },
  responses: {
    200: uiStreamResponse,
    ...commonErrors,
    ...bodyErrors,
    ...conflictError,
    ...idempotencyErrors,
  },
});

const resume = createRoute({
  method: 'get',
  path: '/v1/ui-chat/{id}/stream',
  operationId: 'resumeUiChatStream',
  tags,
  security,
  summary: 'Resumes the chat’s running answer as a UI message stream from its start; 204 when none runs',
  request: { params: idParam('id', 'chat_01jd…'), query: accessTokenQuery },
  responses: {
    200: uiStreamResponse,
    204: { description: 'No answer is being written in this chat' },
    ...commonErrors,
  },
});

/** The AI SDK UI message stream protocol: what `useChat` with `DefaultChatTransport` talks. */
export function registerUiChatRoutes(app: ColonyApp, services: HttpServices): void {
  app.openapi(send, async (http) => {
    const context = contextOf(http, services);
    const body = http.req.valid('json');
    if (body.trigger === 'regenerate-message') {
      throw invalidInput(
        'trigger',
        'regenerate-message is not supported: a chat’s log is append-only; send a new message',
      );
    }
    const request = readUiRequest(body.messages);
    const orgId = context.actor.orgId;
    let watch: ChatWatch | undefined;
    try {
      if (request.kind === 'approvals') {
        const chat = await getChat(context, body.id);
        watch = watchChat(services, orgId, chat.id);
        const runId = request.responses[0]?.runId ?? '';
        const run = await getRun(context, runId);
        if (run.chatId !== chat.id || request.responses.some((response) => response.runId !== run.id)) {
          throw notFound('run', runId);
        }
        const afterSeq = await lastRunEventSeq(services, orgId, run.id);
        for (const { toolCallId, decision, reason } of request.responses) {
          await decideApproval(context, run.id, { toolCallId, decision, ...(reason ? { reason } : {}) });
        }
        const following = watch;
        watch = undefined;
        return streamUiMessages(http, context, following, run.id, { afterSeq }) as never;
      }
      const { body: turn } = await idempotently(http, services, context, {
        body: { chatId: body.id, content: request.content },
        run: (guarded) =>
          startTurn(
            guarded,
            { chatId: body.id, content: request.content },
            {
              beforeMessage: (chatId) => {
                watch?.close();
                watch = watchChat(services, orgId, chatId);
              },
            },
          ),
        respond: (started) => ({ status: 200, body: started }),
      });
      const following = watch ?? watchChat(services, orgId, turn.chatId);
      watch = undefined;
      return streamUiMessages(http, context, following, turn.runId, { afterSeq: 0 }) as never;
    } finally {
      watch?.close();
    }
  });
  app.openapi(resume, async (http) => {
    const context = contextOf(http, services);
    const chat = await getChat(context, http.req.valid('param').id);
    const watch = watchChat(services, context.actor.orgId, chat.id);
    const run = await findActiveRun(context, chat.id);
    if (!run) {
      watch.close();
      return http.body(null, 204);
    }
    return streamUiMessages(http, context, watch, run.id, { afterSeq: 0 }) as never;
  });
}
