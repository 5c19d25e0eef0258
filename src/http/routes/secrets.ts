import { createRoute, z } from '@hono/zod-openapi';
import {
  createSecret,
  createSecretInput,
  deleteSecret,
  getSecret,
  grantSecret,
  grantSecretInput,
  listSecretGrants,
  listSecrets,
  revokeSecretGrant,
  rotateSecret,
  rotateSecretInput,
} from '../../secrets/index.js';
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
  pageOf,
  pageQuery,
  security,
} from '../openapi-helpers.js';
import { type ColonyApp, contextOf } from '../request-context.js';

const grantSchema = z
  .object({
    id: z.string(),
    subject: z.enum(['agent', 'chat']),
    subjectId: z.string(),
    createdAt: z.number(),
  })
  .openapi('SecretGrant');

const secretSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    version: z.number().int(),
    versions: z.array(z.object({ version: z.number().int(), createdAt: z.number() })),
    grants: z.array(grantSchema),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .openapi('Secret');

const params = idParam('id', 'CRM_TOKEN');
const grantParams = params.extend({
  grantId: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'grantId', in: 'path' }, example: 'sgr_01jd…' }),
});
const tags = ['secrets'];

const create = createRoute({
  method: 'post',
  path: '/v1/secrets',
  operationId: 'createSecret',
  tags,
  security,
  summary: 'Store an org secret (admin), encrypted at rest; its value is never shown again',
  request: { headers: idempotencyHeaders, body: jsonBody(withIdempotencyKey(createSecretInput)) },
  responses: {
    201: jsonContent(secretSchema, 'Created'),
    ...commonErrors,
    ...bodyErrors,
    ...conflictError,
    ...idempotencyErrors,
  },
});

const list = createRoute({
  method: 'get',
  path: '/v1/secrets',
  operationId: 'listSecrets',
  tags,
  security,
  summary: "List the org's secrets: names, versions, grants — never values",
  request: { query: pageQuery },
  responses: { 200: pageOf('secrets', secretSchema, 'A page of secrets'), ...commonErrors },
});

const get = createRoute({
  method: 'get',
  path: '/v1/secrets/{id}',
  operationId: 'getSecret',
  tags,
  security,
  summary: "A secret's metadata by id or name",
  request: { params },
  responses: { 200: jsonContent(secretSchema, 'The secret, without its value'), ...commonErrors },
});

const rotate = createRoute({
  method: 'post',
  path: '/v1/secrets/{id}/versions',
  operationId: 'rotateSecret',
  tags,
  security,
  summary: 'Rotate a secret (admin): a new version, used by every call from now on',
  request: { params, body: jsonBody(rotateSecretInput) },
  responses: {
    201: jsonContent(secretSchema, 'The secret with its new version'),
    ...commonErrors,
    ...bodyErrors,
    ...conflictError,
  },
});

const remove = createRoute({
  method: 'delete',
  path: '/v1/secrets/{id}',
  operationId: 'deleteSecret',
  tags,
  security,
  summary: 'Delete a secret with its versions and grants (admin)',
  request: { params },
  responses: { 204: { description: 'Deleted' }, ...commonErrors },
});

const grant = createRoute({
  method: 'post',
  path: '/v1/secrets/{id}/grants',
  operationId: 'grantSecret',
  tags,
  security,
  summary: 'Let an agent (every run of it) or a chat (every run in it) use the secret (admin)',
  request: { params, headers: idempotencyHeaders, body: jsonBody(withIdempotencyKey(grantSecretInput)) },
  responses: {
    201: jsonContent(grantSchema, 'Granted'),
    ...commonErrors,
    ...bodyErrors,
    ...conflictError,
    ...idempotencyErrors,
  },
});

const listGrants = createRoute({
  method: 'get',
  path: '/v1/secrets/{id}/grants',
  operationId: 'listSecretGrants',
  tags,
  security,
  summary: 'The agents and chats a secret is granted to',
  request: { params },
  responses: {
    200: jsonContent(z.object({ grants: z.array(grantSchema) }), 'The grants'),
    ...commonErrors,
  },
});

const revoke = createRoute({
  method: 'delete',
  path: '/v1/secrets/{id}/grants/{grantId}',
  operationId: 'revokeSecretGrant',
  tags,
  security,
  summary: 'Take a grant back (admin)',
  request: { params: grantParams },
  responses: { 204: { description: 'Revoked' }, ...commonErrors },
});

export function registerSecretRoutes(app: ColonyApp, services: HttpServices): void {
  app.openapi(create, async (http) => {
    const { idempotencyKey, ...input } = http.req.valid('json');
    const created = await idempotently(http, services, contextOf(http, services), {
      body: input,
      bodyKey: idempotencyKey,
      run: (context) => createSecret(context, input),
      respond: (secret) => ({ status: 201, body: secret }),
    });
    return http.json(created.body, 201);
  });
  app.openapi(list, async (http) => {
    const query = http.req.valid('query');
    return http.json(
      await listSecrets(contextOf(http, services), { limit: query.limit, after: query.cursor }),
      200,
    );
  });
  app.openapi(get, async (http) => {
    return http.json(await getSecret(contextOf(http, services), http.req.valid('param').id), 200);
  });
  app.openapi(rotate, async (http) => {
    const secret = await rotateSecret(
      contextOf(http, services),
      http.req.valid('param').id,
      http.req.valid('json'),
    );
    return http.json(secret, 201);
  });
  app.openapi(remove, async (http) => {
    await deleteSecret(contextOf(http, services), http.req.valid('param').id);
    return http.body(null, 204);
  });
  app.openapi(grant, async (http) => {
    const { idempotencyKey, ...input } = http.req.valid('json');
    const id = http.req.valid('param').id;
    const granted = await idempotently(http, services, contextOf(http, services), {
      body: input,
      bodyKey: idempotencyKey,
      run: (context) => grantSecret(context, id, input),
      respond: (created) => ({ status: 201, body: created }),
    });
    return http.json(granted.body, 201);
  });
  app.openapi(listGrants, async (http) => {
    const grants = await listSecretGrants(contextOf(http, services), http.req.valid('param').id);
    return http.json({ grants }, 200);
  });
  app.openapi(revoke, async (http) => {
    const { id, grantId } = http.req.valid('param');
    await revokeSecretGrant(contextOf(http, services), id, grantId);
    return http.body(null, 204);
  });
}
