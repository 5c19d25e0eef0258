import { createRoute, z } from '@hono/zod-openapi';
import { auditCursorPattern, listAuditEntries } from '../../identity/index.js';
import type { HttpServices } from '../http-services.js';
import { commonErrors, epochMsQuery, pageOf, security } from '../openapi-helpers.js';
import { type ColonyApp, contextOf } from '../request-context.js';

const auditEntrySchema = z
  .object({
    id: z.string(),
    orgId: z.string(),
    actor: z.object({ kind: z.string(), id: z.string() }),
    action: z.string().openapi({ example: 'api-key.revoke' }),
    resourceType: z.string(),
    resourceId: z.string().nullable(),
    ip: z.string().nullable(),
    requestId: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    createdAt: z.number(),
  })
  .openapi('AuditEntry');

const text = z.string().trim().min(1).max(200);
const time = epochMsQuery;

const auditQuery = z.object({
  actor: text.optional().openapi({ description: 'the actor id (an API key or user id)' }),
  action: z
    .string()
    .max(100)
    // Lowercase dotted names admit no LIKE wildcard, so a family's prefix needs no escaping.
    .regex(
      /^[a-z0-9-]+(\.[a-z0-9-]+)*(\.\*)?$/,
      'an action such as `agent.create`, or a family such as `agent.*`',
    )
    .optional(),
  resourceType: text.optional(),
  resourceId: text.optional(),
  since: time('epoch ms, inclusive'),
  until: time('epoch ms, exclusive'),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z
    .string()
    .max(200)
    .regex(auditCursorPattern, 'not a cursor of GET /v1/audit (pass nextCursor of the previous page)')
    .optional(),
});

const list = createRoute({
  method: 'get',
  path: '/v1/audit',
  operationId: 'listAuditEntries',
  tags: ['audit'],
  security,
  summary:
    'List the org’s audit log, newest first (admin). Filter by actor id, action (`agent.create`, or a family `agent.*`), resource, and time (`since` inclusive, `until` exclusive, epoch ms)',
  request: { query: auditQuery },
  responses: { 200: pageOf('entries', auditEntrySchema, 'A page of audit entries'), ...commonErrors },
});

export function registerAuditRoutes(app: ColonyApp, services: HttpServices): void {
  app.openapi(list, async (http) =>
    http.json(await listAuditEntries(contextOf(http, services), http.req.valid('query')), 200),
  );
}
