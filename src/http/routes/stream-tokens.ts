import { createRoute, z } from '@hono/zod-openapi';
import type { StreamTokens } from '../browser/stream-tokens.js';
import type { HttpServices } from '../http-services.js';
import { bodyErrors, commonErrors, jsonContent, security } from '../openapi-helpers.js';
import type { ColonyApp } from '../request-context.js';

const mint = createRoute({
  method: 'post',
  path: '/v1/stream-tokens',
  operationId: 'createStreamToken',
  tags: ['events'],
  security,
  summary:
    'A short-lived token for a browser’s `EventSource`: send it as `?access_token=` to GET /v1/events, /v1/runs/{id}/events or /v1/ui-chat/{id}/stream instead of the Authorization header',
  responses: {
    201: jsonContent(
      z
        .object({
          token: z.string(),
          expiresAt: z.number().int().openapi({ description: 'Epoch milliseconds' }),
        })
        .openapi('StreamToken'),
      'A token acting as the caller’s key on the streaming routes until it expires (stored nowhere)',
    ),
    ...commonErrors,
    413: bodyErrors[413],
  },
});

/** `POST /v1/stream-tokens`: what a web page trades its key for before opening an EventSource. */
export function registerStreamTokenRoutes(
  app: ColonyApp,
  services: HttpServices,
  tokens: StreamTokens,
): void {
  app.openapi(mint, (http) => http.json(tokens.mint(http.get('actor'), services.clock.now()), 201));
}
