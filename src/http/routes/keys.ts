import { createRoute, z } from '@hono/zod-openapi';
import { ColonyError } from '../../errors/index.js';
import { createApiKey, createApiKeyInput, listApiKeys, revokeApiKey } from '../../identity/index.js';
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
  security,
} from '../openapi-helpers.js';
import { type ColonyApp, contextOf } from '../request-context.js';

const keySchema = z
  .object({
    id: z.string(),
    orgId: z.string(),
    name: z.string(),
    prefix: z.string(),
    role: z.enum(['viewer', 'member', 'admin', 'owner']),
    createdAt: z.number(),
    lastUsedAt: z.number().nullable(),
    revokedAt: z.number().nullable(),
  })
  .openapi('ApiKey');
const tags = ['keys'];

const create = createRoute({
  method: 'post',
  path: '/v1/keys',
  operationId: 'createApiKey',
  tags,
  security,
  summary: 'Create an API key (admin); the plaintext `key` is shown only in this response',
  request: { headers: idempotencyHeaders, body: jsonBody(withIdempotencyKey(createApiKeyInput)) },
  responses: {
    201: jsonContent(z.object({ apiKey: keySchema, key: z.string() }), 'Created'),
    ...commonErrors,
    ...bodyErrors,
    ...conflictError,
    ...idempotencyErrors,
  },
});
const list = createRoute({
  method: 'get',
  path: '/v1/keys',
  operationId: 'listApiKeys',
  tags,
  security,
  summary: 'List API keys of the org (admin)',
  responses: { 200: jsonContent(z.object({ keys: z.array(keySchema) }), 'Keys'), ...commonErrors },
});
const revoke = createRoute({
  method: 'delete',
  path: '/v1/keys/{id}',
  operationId: 'revokeApiKey',
  tags,
  security,
  summary:
    'Revoke an API key by id or prefix (admin): only keys of roles at or below the caller’s; never the org’s last active owner key (409)',
  request: { params: idParam('id', 'key_01jd…') },
  responses: { 200: jsonContent(keySchema, 'Revoked'), ...commonErrors, ...conflictError },
});

export function registerKeyRoutes(app: ColonyApp, services: HttpServices): void {
  app.openapi(create, async (http) => {
    const { idempotencyKey, ...input } = http.req.valid('json');
    const created = await idempotently(http, services, contextOf(http, services), {
      body: input,
      bodyKey: idempotencyKey,
      run: (context) => createApiKey(context, input),
      respond: (result) => ({ status: 201, body: result }),
      // The plaintext is shown once and never stored, so a retry cannot get it again.
      store: (response) => ({ status: response.status, body: { apiKey: response.body.apiKey } }),
      replay: (stored) => {
        const { apiKey } = stored.body as { apiKey: { id: string; prefix: string } };
        throw new ColonyError(
          'conflict',
          `this Idempotency-Key already created API key ${apiKey.id} (prefix ${apiKey.prefix}); its plaintext was shown only once: revoke that key and create another if it was lost`,
          { apiKey },
        );
      },
    });
    return http.json(created.body, 201);
  });
  app.openapi(list, async (http) => http.json({ keys: await listApiKeys(contextOf(http, services)) }, 200));
  app.openapi(revoke, async (http) =>
    http.json(await revokeApiKey(contextOf(http, services), http.req.valid('param').id), 200),
  );
}
