import type { IncomingMessage } from 'node:http';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { ColonyError, fromZodError, invalidInput } from '../errors/index.js';
import { corsFor } from './browser/cors.js';
import { createStreamTokens, streamTokenRoutes } from './browser/stream-tokens.js';
import { respondWithError } from './errors.js';
import type { HttpEnvironment, HttpServices } from './http-services.js';
import { findUnsafeInput } from './input-guard.js';
import { declaredMediaTypes, unsupportedMediaType } from './media-types.js';
import { openAiErrorShape } from './openai/openai-errors.js';
import { registerOpenApiDocument } from './openapi-document.js';
import { createRateLimiter } from './rate-limiter.js';
import { createBodyReader } from './request-body.js';
import type { ColonyApp } from './request-context.js';
import { registerA2aRoutes } from './routes/a2a.js';
import { registerAgentMessageRoutes } from './routes/agent-messages.js';
import { registerAgentRoutes } from './routes/agents.js';
import { registerAuditRoutes } from './routes/audit.js';
import { registerBudgetRoutes } from './routes/budgets.js';
import { registerChatRoutes } from './routes/chats.js';
import { registerEventRoutes } from './routes/events.js';
import { registerKeyRoutes } from './routes/keys.js';
import { registerMcpRoutes } from './routes/mcp.js';
import { registerMcpServerRoutes } from './routes/mcp-servers.js';
import { registerMemoryRoutes } from './routes/memories.js';
import { registerMissionRoutes } from './routes/missions.js';
import { registerOpenAiRoutes } from './routes/openai.js';
import { registerRoutingRoutes } from './routes/routing.js';
import { registerRunRoutes } from './routes/runs.js';
import { registerScheduleRoutes } from './routes/schedules.js';
import { registerSecretRoutes } from './routes/secrets.js';
import { registerStreamTokenRoutes } from './routes/stream-tokens.js';
import { registerSystemRoutes } from './routes/system.js';
import { registerTaskRoutes } from './routes/tasks.js';
import { registerUiChatRoutes } from './routes/ui-chat.js';
import { registerUsageRoutes } from './routes/usage.js';
import { registerWebhookRoutes } from './routes/webhooks.js';
import { registerWorkflowRunRoutes } from './routes/workflow-runs.js';
import { registerWorkflowRoutes } from './routes/workflows.js';

const bodyMethods = new Set(['POST', 'PUT', 'PATCH']);
/** Where a bearer key (or, for some streams, a stream token) is required. */
const authenticatedPaths = ['/v1/*', '/mcp', '/a2a', '/a2a/*', '/.well-known/agent-card.json'];

/**
 * Builds the HTTP API: request ids, access logs, body limit, bearer auth and rate limits on
 * `/v1`, every route declared with zod so `/openapi.json` describes all of them.
 */
export function createApp(services: HttpServices): ColonyApp {
  const app = new OpenAPIHono<HttpEnvironment>({
    // Runs after every zod validation of a route's params, query and body: a valid value is then
    // checked for what the API refuses as a class (NUL, lone surrogates, deep nesting), so no
    // route can hand such a value to the database.
    defaultHook: (result, http) => {
      if (!result.success)
        return respondWithError(http, fromZodError(result.error, result.target), services.logger);
      const unsafe = findUnsafeInput(result.data, result.target);
      if (unsafe) return respondWithError(http, invalidInput(unsafe.path, unsafe.message), services.logger);
      return undefined;
    },
  });
  const limiter = services.rateLimiter ?? createRateLimiter(services.config.rateLimitPerMinute);
  const browser = services.config.browser;
  const streamTokens = createStreamTokens({
    ttlSeconds: browser.streamTokenTtlSeconds,
    secret: browser.streamTokenSecret,
  });
  if (browser.corsOrigins.length > 0) app.use('*', corsFor(browser.corsOrigins));

  app.use('*', requestId({ headerName: 'X-Request-Id' }));
  app.use('*', async (http, next) => {
    const started = performance.now();
    await next();
    const route = http.req.routePath;
    services.metrics.httpDuration.observe(
      { method: http.req.method, route, status: String(http.res.status) },
      (performance.now() - started) / 1000,
    );
    const level = http.res.status >= 500 ? 'error' : 'debug';
    if (!services.logger.isLevelEnabled(level)) return;
    services.logger[level](
      {
        requestId: http.get('requestId'),
        method: http.req.method,
        path: http.req.path,
        status: http.res.status,
        ms: Math.round((performance.now() - started) * 100) / 100,
      },
      'request',
    );
  });
  // OpenAI clients read OpenAI's error shape, authentication failures included.
  for (const path of ['/v1/chat/completions', '/v1/models']) app.use(path, openAiErrorShape);
  const authenticated: MiddlewareHandler<HttpEnvironment> = async (http, next) => {
    const header = http.req.header('Authorization');
    const key = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    // The peer of the socket (none under `app.request`), or behind a trusted proxy the client it
    // names: without `trustProxy` a client could choose the address its audit rows record.
    const forwarded = services.config.trustProxy
      ? http.req.header('X-Forwarded-For')?.split(',')[0]?.trim()
      : undefined;
    const peer = (http.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket.remoteAddress;
    const origin = { ip: forwarded || peer || null, requestId: http.get('requestId') };
    // An EventSource cannot send headers: its streaming GETs may carry a stream token instead.
    const streamToken =
      key === undefined &&
      http.req.method === 'GET' &&
      streamTokenRoutes.some((route) => route.test(http.req.path))
        ? http.req.query('access_token')
        : undefined;
    const tokenActor =
      streamToken === undefined ? undefined : streamTokens.verify(streamToken, services.clock.now());
    if (streamToken !== undefined && !tokenActor)
      throw new ColonyError('unauthenticated', 'the stream token is invalid or has expired');
    const actor = tokenActor ? { ...tokenActor, ...origin } : await services.authenticate(key, origin);
    const wait = await limiter.take(actor.id);
    if (wait > 0)
      throw new ColonyError('rate_limited', 'too many requests for this key', { retryAfterSeconds: wait });
    http.set('actor', actor);
    await next();
  };
  // The protocol endpoints (MCP, A2A) take the same keys as the API.
  for (const path of authenticatedPaths) app.use(path, authenticated);
  // Bodies are read after authentication and the rate limit (an anonymous client cannot make
  // the server buffer them), and only for methods that carry one: a GET never pays for it.
  const readBody = createBodyReader(services.config.bodyLimitBytes, (http) =>
    respondWithError(
      http,
      new ColonyError('payload_too_large', `request body exceeds ${services.config.bodyLimitBytes} bytes`),
      services.logger,
    ),
  );
  for (const path of authenticatedPaths)
    app.use(path, (http, next) => (bodyMethods.has(http.req.method) ? readBody(http, next) : next()));

  const mediaTypesOf = declaredMediaTypes(app.openAPIRegistry);
  app.onError((thrown, http) =>
    respondWithError(
      http,
      thrown instanceof HTTPException && thrown.status === 415
        ? unsupportedMediaType(http, mediaTypesOf(http))
        : thrown,
      services.logger,
    ),
  );
  app.notFound((http) =>
    respondWithError(
      http,
      new ColonyError('not_found', `no route for ${http.req.method} ${http.req.path}`),
      services.logger,
    ),
  );

  registerOpenApiDocument(app, services);
  registerSystemRoutes(app, services);
  registerAgentRoutes(app, services);
  registerAgentMessageRoutes(app, services);
  registerChatRoutes(app, services);
  registerRunRoutes(app, services);
  registerEventRoutes(app, services);
  registerKeyRoutes(app, services);
  registerAuditRoutes(app, services);
  registerTaskRoutes(app, services);
  registerMissionRoutes(app, services);
  registerScheduleRoutes(app, services);
  registerWebhookRoutes(app, services);
  registerWorkflowRoutes(app, services);
  registerWorkflowRunRoutes(app, services);
  registerRoutingRoutes(app, services);
  registerMemoryRoutes(app, services);
  registerUsageRoutes(app, services);
  registerBudgetRoutes(app, services);
  registerOpenAiRoutes(app, services);
  registerUiChatRoutes(app, services);
  registerStreamTokenRoutes(app, services, streamTokens);
  registerMcpServerRoutes(app, services);
  registerSecretRoutes(app, services);
  registerMcpRoutes(app, services);
  registerA2aRoutes(app, services);
  return app;
}
