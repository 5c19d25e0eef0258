import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

/**
 * CORS for the configured origins (`*` allows any): preflights are answered here, before
 * authentication, and the headers a browser client reads are exposed.
 */
export function corsFor(origins: readonly string[]): MiddlewareHandler {
  const any = origins.includes('*');
  return cors({
    origin: any ? '*' : (origin) => (origins.includes(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'Last-Event-ID', 'X-Colony-Chat-Id'],
    exposeHeaders: [
      'X-Request-Id',
      'X-Colony-Chat-Id',
      'Retry-After',
      'Idempotent-Replayed',
      'x-vercel-ai-ui-message-stream',
    ],
    maxAge: 600,
  });
}
