import { createRoute, z } from '@hono/zod-openapi';
import type { HttpServices } from '../http-services.js';
import { jsonContent, publicRoute } from '../openapi-helpers.js';
import type { ColonyApp } from '../request-context.js';

const health = createRoute({
  method: 'get',
  path: '/healthz',
  operationId: 'getHealth',
  tags: ['system'],
  security: publicRoute,
  responses: { 200: jsonContent(z.object({ status: z.literal('ok') }), 'The process is alive') },
});

const readySchema = z.object({ ready: z.boolean(), checks: z.record(z.string(), z.string()) });
const ready = createRoute({
  method: 'get',
  path: '/readyz',
  operationId: 'getReadiness',
  tags: ['system'],
  security: publicRoute,
  responses: {
    200: jsonContent(readySchema, 'Database reachable and migrations current'),
    503: jsonContent(readySchema, 'Not ready; `checks` says why'),
  },
});

const metrics = createRoute({
  method: 'get',
  path: '/metrics',
  operationId: 'getMetrics',
  tags: ['system'],
  security: publicRoute,
  responses: {
    200: { content: { 'text/plain': { schema: z.string() } }, description: 'Prometheus metrics' },
  },
});

export function registerSystemRoutes(app: ColonyApp, services: HttpServices): void {
  app.openapi(metrics, async (http) => {
    http.header('Content-Type', services.metrics.registry.contentType);
    return http.body(await services.metrics.registry.metrics(), 200) as never;
  });
  app.openapi(health, (http) => http.json({ status: 'ok' as const }, 200));
  app.openapi(ready, async (http) => {
    const result = await services.readiness();
    return result.ready ? http.json(result, 200) : http.json(result, 503);
  });
}
