import { createRoute, z } from '@hono/zod-openapi';
import type { HttpServices } from '../http-services.js';
import { commonErrors, security, sseResponse } from '../openapi-helpers.js';
import { type ColonyApp, contextOf } from '../request-context.js';
import { lastEventIdOf, streamEvents } from '../sse.js';

const firehose = createRoute({
  method: 'get',
  path: '/v1/events',
  operationId: 'streamEvents',
  tags: ['events'],
  security,
  summary: 'All events of the caller’s org as SSE, filterable; `Last-Event-ID` resumes',
  request: {
    query: z.object({
      types: z.string().max(2000).optional().openapi({ description: 'Comma-separated event types' }),
      runId: z.string().max(200).optional(),
      chatId: z.string().max(200).optional(),
      live: z.enum(['true', 'false']).optional().openapi({ description: 'Also send live text deltas' }),
    }),
  },
  responses: {
    200: sseResponse,
    ...commonErrors,
  },
});

export function registerEventRoutes(app: ColonyApp, services: HttpServices): void {
  app.openapi(firehose, (http) => {
    const context = contextOf(http, services);
    const query = http.req.valid('query');
    const types = query.types
      ?.split(',')
      .map((type) => type.trim())
      .filter(Boolean);
    return streamEvents(http, services, {
      filter: { orgId: context.actor.orgId, types, runId: query.runId, conversationId: query.chatId },
      afterSeq: lastEventIdOf(http),
      live: query.live === 'true',
    }) as never;
  });
}
