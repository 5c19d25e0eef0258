import { createRoute, z } from '@hono/zod-openapi';
import {
  createWebhook,
  createWebhookInput,
  deleteWebhook,
  deliveryStatuses,
  getWebhook,
  getWebhookDelivery,
  listWebhookDeliveries,
  listWebhooks,
  pingWebhook,
  redeliverWebhookDelivery,
  rotateWebhookSecret,
  updateWebhook,
  updateWebhookInput,
} from '../../webhooks/index.js';
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

const webhookSchema = z
  .object({
    id: z.string(),
    orgId: z.string(),
    url: z.string(),
    description: z.string(),
    eventTypes: z.array(z.string()),
    enabled: z.boolean(),
    createdBy: z.string(),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .openapi('Webhook');
const webhookWithSecretSchema = webhookSchema
  .extend({
    secret: z.string().openapi({
      description: 'the Standard Webhooks signing secret (`whsec_…`); shown only now',
    }),
  })
  .openapi('WebhookWithSecret');
const deliverySchema = z
  .object({
    id: z.string().openapi({ description: 'also the `webhook-id` header of every attempt' }),
    webhookId: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    eventSeq: z.number(),
    status: z.enum(deliveryStatuses),
    attempts: z.number().int(),
    lastStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
    responseExcerpt: z.string().nullable(),
    nextAttemptAt: z.number().nullable(),
    deliveredAt: z.number().nullable(),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .openapi('WebhookDelivery');
const pingSchema = z
  .object({
    messageId: z.string(),
    delivered: z.boolean(),
    status: z.number().int().nullable(),
    error: z.string().nullable(),
    responseExcerpt: z.string().nullable(),
    durationMs: z.number(),
  })
  .openapi('WebhookPing');

const tags = ['webhooks'];
const param = { params: idParam('id', 'whk_01jd…') };
const deliveryParams = {
  params: z.object({
    id: z
      .string()
      .min(1)
      .max(200)
      .openapi({ param: { name: 'id', in: 'path' }, example: 'whk_01jd…' }),
    deliveryId: z
      .string()
      .min(1)
      .max(200)
      .openapi({ param: { name: 'deliveryId', in: 'path' }, example: 'whd_01jd…' }),
  }),
};

const create = createRoute({
  method: 'post',
  path: '/v1/webhooks',
  operationId: 'createWebhook',
  tags,
  security,
  summary:
    'Subscribe a URL to event types of the org (admin); the response carries the signing secret, shown only here',
  request: { headers: idempotencyHeaders, body: jsonBody(withIdempotencyKey(createWebhookInput)) },
  responses: {
    201: jsonContent(webhookWithSecretSchema, 'Created'),
    ...commonErrors,
    ...bodyErrors,
    ...conflictError,
    ...idempotencyErrors,
  },
});
const list = createRoute({
  method: 'get',
  path: '/v1/webhooks',
  operationId: 'listWebhooks',
  tags,
  security,
  summary: 'List the org’s webhooks (without their secrets)',
  responses: {
    200: jsonContent(z.object({ webhooks: z.array(webhookSchema) }), 'Webhooks'),
    ...commonErrors,
  },
});
const get = createRoute({
  method: 'get',
  path: '/v1/webhooks/{id}',
  operationId: 'getWebhook',
  tags,
  security,
  summary: 'A webhook (without its secret)',
  request: param,
  responses: { 200: jsonContent(webhookSchema, 'Webhook'), ...commonErrors },
});
const update = createRoute({
  method: 'patch',
  path: '/v1/webhooks/{id}',
  operationId: 'updateWebhook',
  tags,
  security,
  summary: 'Change a webhook’s URL, event types, description or enabled flag (admin)',
  request: { ...param, body: jsonBody(updateWebhookInput) },
  responses: { 200: jsonContent(webhookSchema, 'Updated'), ...commonErrors, ...bodyErrors },
});
const remove = createRoute({
  method: 'delete',
  path: '/v1/webhooks/{id}',
  operationId: 'deleteWebhook',
  tags,
  security,
  summary: 'Delete a webhook and its delivery log (admin)',
  request: param,
  responses: { 200: jsonContent(webhookSchema, 'Deleted'), ...commonErrors },
});
const rotate = createRoute({
  method: 'post',
  path: '/v1/webhooks/{id}/rotate-secret',
  operationId: 'rotateWebhookSecret',
  tags,
  security,
  summary: 'Replace the signing secret (admin); the new one is shown only in this response',
  request: param,
  responses: { 200: jsonContent(webhookWithSecretSchema, 'Rotated'), ...commonErrors, 413: bodyErrors[413] },
});
const ping = createRoute({
  method: 'post',
  path: '/v1/webhooks/{id}/ping',
  operationId: 'pingWebhook',
  tags,
  security,
  summary: 'Send a signed `webhook-ping` message now and report the answer (member); not retried, not logged',
  request: param,
  responses: {
    200: jsonContent(pingSchema, 'What the receiver answered'),
    ...commonErrors,
    413: bodyErrors[413],
  },
});
const listDeliveries = createRoute({
  method: 'get',
  path: '/v1/webhooks/{id}/deliveries',
  operationId: 'listWebhookDeliveries',
  tags,
  security,
  summary: 'The webhook’s delivery log, newest first (cursor: the last id seen)',
  request: {
    ...param,
    query: pageQuery.extend({ status: z.enum(deliveryStatuses).optional() }),
  },
  responses: { 200: pageOf('deliveries', deliverySchema, 'Deliveries'), ...commonErrors },
});
const getDelivery = createRoute({
  method: 'get',
  path: '/v1/webhooks/{id}/deliveries/{deliveryId}',
  operationId: 'getWebhookDelivery',
  tags,
  security,
  summary: 'One delivery: status, attempts, last response status and an excerpt of its body',
  request: deliveryParams,
  responses: { 200: jsonContent(deliverySchema, 'Delivery'), ...commonErrors },
});
const redeliver = createRoute({
  method: 'post',
  path: '/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver',
  operationId: 'redeliverWebhookDelivery',
  tags,
  security,
  summary:
    'Send a delivered or failed delivery again, same `webhook-id`, with a fresh series of attempts (member)',
  request: deliveryParams,
  responses: {
    202: jsonContent(deliverySchema, 'Queued'),
    ...commonErrors,
    ...conflictError,
    413: bodyErrors[413],
  },
});

export function registerWebhookRoutes(app: ColonyApp, services: HttpServices): void {
  app.openapi(create, async (http) => {
    const { idempotencyKey, ...input } = http.req.valid('json');
    const created = await idempotently(http, services, contextOf(http, services), {
      body: input,
      bodyKey: idempotencyKey,
      run: (context) => createWebhook(context, input),
      respond: (webhook) => ({ status: 201, body: webhook }),
    });
    return http.json(created.body, 201);
  });
  app.openapi(list, async (http) =>
    http.json({ webhooks: await listWebhooks(contextOf(http, services)) }, 200),
  );
  app.openapi(get, async (http) =>
    http.json(await getWebhook(contextOf(http, services), http.req.valid('param').id), 200),
  );
  app.openapi(update, async (http) =>
    http.json(
      await updateWebhook(contextOf(http, services), http.req.valid('param').id, http.req.valid('json')),
      200,
    ),
  );
  app.openapi(remove, async (http) =>
    http.json(await deleteWebhook(contextOf(http, services), http.req.valid('param').id), 200),
  );
  app.openapi(rotate, async (http) =>
    http.json(await rotateWebhookSecret(contextOf(http, services), http.req.valid('param').id), 200),
  );
  app.openapi(ping, async (http) =>
    http.json(await pingWebhook(contextOf(http, services), http.req.valid('param').id), 200),
  );
  app.openapi(listDeliveries, async (http) => {
    const query = http.req.valid('query');
    return http.json(
      await listWebhookDeliveries(contextOf(http, services), http.req.valid('param').id, query),
      200,
    );
  });
  app.openapi(getDelivery, async (http) => {
    const { id, deliveryId } = http.req.valid('param');
    return http.json(await getWebhookDelivery(contextOf(http, services), id, deliveryId), 200);
  });
  app.openapi(redeliver, async (http) => {
    const { id, deliveryId } = http.req.valid('param');
    return http.json(await redeliverWebhookDelivery(contextOf(http, services), id, deliveryId), 202);
  });
}
