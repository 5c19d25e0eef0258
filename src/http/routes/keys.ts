import { createRoute, z } from '@hono/zod-openapi';
import { createApiKey, createApiKeyInput, listApiKeys, revokeApiKey } from '../../identity/index.js';
import { type ColonyApp, contextOf } from '../app.js';
import type { HttpServices } from '../http-services.js';
import { bodyErrors, commonErrors, idParam, jsonBody, jsonContent, security } from '../openapi-helpers.js';

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
  request: { body: jsonBody(createApiKeyInput) },
  responses: {
    201: jsonContent(z.object({ apiKey: keySchema, key: z.string() }), 'Created'),
    ...commonErrors,
    ...bodyErrors,
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
  summary: 'Revoke an API key by id or prefix (admin)',
  request: { params: idParam('id', 'key_01jd…') },
  responses: { 200: jsonContent(keySchema, 'Revoked'), ...commonErrors },
});

export function registerKeyRoutes(app: ColonyApp, services: HttpServices): void {
  app.openapi(create, async (http) =>
    http.json(await createApiKey(contextOf(http, services), http.req.valid('json')), 201),
  );
  app.openapi(list, async (http) => http.json({ keys: await listApiKeys(contextOf(http, services)) }, 200));
  app.openapi(revoke, async (http) =>
    http.json(await revokeApiKey(contextOf(http, services), http.req.valid('param').id), 200),
  );
}
