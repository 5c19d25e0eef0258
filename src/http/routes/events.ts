import { createRoute, z } from '@hono/zod-openapi';
import { latestEventSeq } from '../../events/index.js';
import type { HttpServices } from '../http-services.js';
import { commonErrors, security, sseResponse } from '../openapi-helpers.js';
import { type ColonyApp, contextOf } from '../request-context.js';
import { accessTokenQuery, lastEventIdOf, streamEvents } from '../sse.js';

const firehose = createRoute({
  method: 'get',
  path: '/v1/events',
  operationId: 'streamEvents',
  tags: ['events'],
  security,
  summary:
    'The caller’s org’s events as SSE from now on, filterable; `Last-Event-ID` resumes, `?from=0` replays from the start',
  request: {
    query: accessTokenQuery.extend({
      from: z.coerce.number().int().min(0).optional().openapi({
        type: 'integer',
        minimum: 0,
        description: 'Start after this sequence number (0: the first event)',
      }),
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
  app.openapi(firehose, async (http) => {
    const context = contextOf(http, services);
    const query = http.req.valid('query');
    // Last-Event-ID (a reconnect) wins, then `from`; otherwise only what happens from now on.
    const resumeAt = lastEventIdOf(http);
    const afterSeq = resumeAt > 0 ? resumeAt : (query.from ?? (await latestEventSeq(services.database)));
    const types = query.types
      ?.split(',')
      .map((type) => type.trim())
      .filter(Boolean);
    return streamEvents(http, services, {
      filter: { orgId: context.actor.orgId, types, runId: query.runId, conversationId: query.chatId },
      afterSeq,
      live: query.live === 'true',
    }) as never;
  });
}
