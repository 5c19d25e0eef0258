import { createRoute, z } from '@hono/zod-openapi';
import { storedEventSchema } from './event-schema.js';
import type { HttpServices } from './http-services.js';
import { jsonContent, publicRoute } from './openapi-helpers.js';
import type { ColonyApp } from './request-context.js';

const document = createRoute({
  method: 'get',
  path: '/openapi.json',
  operationId: 'getOpenApiDocument',
  tags: ['system'],
  security: publicRoute,
  summary: 'This OpenAPI 3.1 document',
  responses: {
    200: jsonContent(z.record(z.string(), z.unknown()), 'The OpenAPI 3.1 document of this API'),
  },
});

/**
 * Serves `/openapi.json`, generated once (on first request, when every route is registered) from
 * the routes' zod definitions. `servers` names `publicUrl` when it is configured; otherwise the
 * relative `/`, which a client resolves against the address it fetched the document from.
 */
export function registerOpenApiDocument(app: ColonyApp, services: HttpServices): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'Bearer', { type: 'http', scheme: 'bearer' });
  // The SSE routes' messages carry a StoredEvent each (OpenAPI 3.1 cannot type a stream's items).
  app.openAPIRegistry.register('StoredEvent', storedEventSchema);
  let generated: Record<string, unknown> | undefined;
  app.openapi(document, (http) => {
    generated ??= app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: 'Colony API',
        version: '0.1.0',
        description: 'Teams of LLM agents that remember, delegate and finish long jobs reliably.',
      },
      servers: [
        services.config.publicUrl
          ? { url: services.config.publicUrl, description: 'This Colony' }
          : { url: '/', description: 'The server that served this document' },
      ],
    }) as unknown as Record<string, unknown>;
    return http.json(generated, 200);
  });
}
