import { createRoute, z } from '@hono/zod-openapi';
import { maxMemoryQueryChars } from '../../kernel/index.js';
import {
  addMemory,
  defaultWriteScope,
  deleteMemory,
  getMemory,
  importMemories,
  type MemoryServices,
  maxContentLength,
  maxImportItems,
  maxTagLength,
  maxTags,
  memoryHistory,
  memoryTypes,
  parseSingleScope,
  scopeKinds,
  searchMemories,
  searchScopes,
} from '../../memory/index.js';
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
  epochMsQuery,
  idParam,
  jsonBody,
  jsonContent,
  nullableRef,
  security,
} from '../openapi-helpers.js';
import { type ColonyApp, contextOf } from '../request-context.js';

const scopeSchema = z
  .object({ kind: z.enum(scopeKinds), id: z.string().min(1).max(200) })
  .openapi('MemoryScope');

const memorySchema = z
  .object({
    id: z.string(),
    orgId: z.string(),
    scope: scopeSchema,
    type: z.enum(memoryTypes),
    content: z.string(),
    subject: z.string().nullable(),
    importance: z.number(),
    confidence: z.number(),
    tags: z.array(z.string()),
    embeddingModel: z.string().nullable(),
    sourceMessageIds: z.array(z.string()),
    runId: z.string().nullable(),
    occurredAt: z
      .number()
      .describe('when what it describes happened (epoch ms); createdAt is when it was recorded'),
    previousTurnId: z
      .string()
      .nullable()
      .describe('episodic turns: the memory of the previous turn of the conversation'),
    validFrom: z.number(),
    validTo: z.number().nullable(),
    supersededBy: z.string().nullable(),
    accessCount: z.number(),
    lastAccessedAt: z.number().nullable(),
    pinned: z.boolean(),
    deletedAt: z.number().nullable(),
    createdBy: z.string().nullable(),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .openapi('Memory');

const signalsSchema = z.object({
  semantic: z.number(),
  lexical: z.number(),
  recency: z.number(),
  importance: z.number(),
  frequency: z.number(),
});

const hitSchema = z
  .object({ memory: memorySchema, score: z.number(), signals: signalsSchema, why: z.string() })
  .openapi('MemoryHit');

const logEntrySchema = z
  .object({
    id: z.string(),
    memoryId: z.string(),
    action: z.string(),
    actor: z.object({ kind: z.string(), id: z.string() }),
    reason: z.string(),
    before: z.record(z.string(), z.unknown()).nullable(),
    after: z.record(z.string(), z.unknown()).nullable(),
    createdAt: z.number(),
  })
  .openapi('MemoryLogEntry');

/** The fields of one memory, as `POST /v1/memories` and each item of an import take them. */
const memoryFields = {
  content: z.string().trim().min(1).max(maxContentLength),
  type: z.enum(memoryTypes).default('semantic'),
  scope: z
    .union([scopeSchema, z.string().trim().min(1).max(220)])
    .optional()
    .describe(
      '`{ kind, id }` or a string `kind:id` (`user` and `org` alone mean the caller’s own); default: the caller’s own user scope when the key carries a user, else the org',
    ),
  importance: z.number().min(0).max(1).optional(),
  confidence: z.number().min(0).max(1).optional(),
  tags: z.array(z.string().trim().min(1).max(maxTagLength)).max(maxTags).optional(),
  pinned: z.boolean().optional(),
  validTo: z.number().int().nonnegative().nullable().optional(),
  occurredAt: z
    .number()
    .int()
    .nonnegative()
    .max(8_640_000_000_000_000)
    .optional()
    .describe('when what it describes happened (epoch ms); default: now, when it is recorded'),
};

const createBody = withIdempotencyKey(z.object(memoryFields).strict()).openapi('CreateMemory');

const importItem = z
  .object({
    ...memoryFields,
    source: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe('provenance (a file, a system, a conversation id), kept in the memory’s log entry'),
  })
  .strict()
  .openapi('ImportMemoryItem');

const importBody = withIdempotencyKey(
  z
    .object({
      items: z
        .array(importItem)
        .min(1)
        .max(maxImportItems)
        .describe(`at most ${maxImportItems} memories; the body is bounded by the server's body limit too`),
    })
    .strict(),
).openapi('ImportMemories');

const importResultSchema = z
  .object({
    created: z.number().describe('memories stored'),
    duplicates: z
      .number()
      .describe('items that matched a live memory of their scope (or an earlier item) exactly'),
    items: z
      .array(z.object({ id: z.string(), action: z.enum(['created', 'duplicate']) }))
      .describe('one per item, in order: the new memory, or the one it duplicates'),
  })
  .openapi('MemoryImportResult');

const writeResultSchema = z
  .object({
    memory: memorySchema,
    action: z.enum(['created', 'duplicate', 'updated', 'superseded']),
    superseded: nullableRef(memorySchema),
  })
  .openapi('MemoryWriteResult');

const commaList = (what: string, allowed?: readonly string[]) =>
  z
    .string()
    .max(2000)
    .refine(
      (value) =>
        allowed === undefined ||
        value
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item !== '')
          .every((item) => allowed.includes(item)),
      { message: allowed ? `unknown ${what}; use ${allowed.join(', ')}` : `invalid ${what}` },
    )
    .optional();

const searchQuery = z.object({
  q: z.string().trim().min(1).max(maxMemoryQueryChars),
  scope: commaList('scope').describe(
    'comma-separated `kind:id`; `org` and `user` alone mean the caller’s own (default: the org, the caller’s own user, and the 48 most recently written agent and chat scopes of the org)',
  ),
  type: commaList('type', memoryTypes).describe('comma-separated memory types'),
  tag: commaList('tag').describe('comma-separated tags (a memory with any of them matches)'),
  limit: z.coerce.number().int().min(1).max(100).optional(),
  includeInvalid: z.enum(['true', 'false']).optional().describe('include superseded and expired memories'),
  occurredFrom: epochMsQuery('only memories that happened at or after (epoch ms)'),
  occurredTo: epochMsQuery('only memories that happened at or before (epoch ms)'),
});

function splitList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return items.length > 0 ? items : undefined;
}

const params = idParam('id', 'mem_01jd…');
const tags = ['memories'];

const create = createRoute({
  method: 'post',
  path: '/v1/memories',
  operationId: 'createMemory',
  tags,
  security,
  summary: 'Store a memory (member); dedups, and supersedes what it contradicts',
  request: { headers: idempotencyHeaders, body: jsonBody(createBody) },
  responses: {
    201: jsonContent(writeResultSchema, 'Stored (created or superseding)'),
    200: jsonContent(writeResultSchema, 'Folded into an existing memory (duplicate or updated)'),
    ...commonErrors,
    ...bodyErrors,
    ...idempotencyErrors,
  },
});

const importRoute = createRoute({
  method: 'post',
  path: '/v1/memories/import',
  operationId: 'importMemories',
  tags,
  security,
  summary: 'Import memories in bulk (member): all or nothing; exact duplicates are reported, not stored',
  request: { headers: idempotencyHeaders, body: jsonBody(importBody) },
  responses: {
    200: jsonContent(importResultSchema, 'Imported (every item created or a duplicate)'),
    ...commonErrors,
    ...bodyErrors,
    ...idempotencyErrors,
  },
});

const search = createRoute({
  method: 'get',
  path: '/v1/memories/search',
  operationId: 'searchMemories',
  tags,
  security,
  summary: 'Search memories (viewer): five fused signals, each hit with its scores and why',
  request: { query: searchQuery },
  responses: {
    200: jsonContent(z.object({ hits: z.array(hitSchema) }), 'Hits, best first'),
    ...commonErrors,
  },
});

const get = createRoute({
  method: 'get',
  path: '/v1/memories/{id}',
  operationId: 'getMemory',
  tags,
  security,
  summary: 'Get a memory (viewer)',
  request: { params },
  responses: { 200: jsonContent(memorySchema, 'The memory'), ...commonErrors },
});

const history = createRoute({
  method: 'get',
  path: '/v1/memories/{id}/history',
  operationId: 'getMemoryHistory',
  tags,
  security,
  summary: 'A memory’s supersede chain and every log entry (viewer)',
  request: { params },
  responses: {
    200: jsonContent(
      z.object({ memory: memorySchema, chain: z.array(memorySchema), log: z.array(logEntrySchema) }),
      'History, oldest first',
    ),
    ...commonErrors,
  },
});

const remove = createRoute({
  method: 'delete',
  path: '/v1/memories/{id}',
  operationId: 'deleteMemory',
  tags,
  security,
  summary: 'Delete a memory (member; soft: it leaves retrieval, its history is kept and logged)',
  request: { params, query: z.object({ reason: z.string().max(500).optional() }) },
  responses: { 200: jsonContent(memorySchema, 'The deleted memory'), ...commonErrors },
});

export function registerMemoryRoutes(app: ColonyApp, httpServices: HttpServices): void {
  /** `createColony` puts the memory runtime on the services; without one a default is used. */
  const services: HttpServices & MemoryServices = httpServices;
  app.openapi(create, async (http) => {
    const context = contextOf(http, services);
    const { idempotencyKey, ...body } = http.req.valid('json');
    const scope =
      typeof body.scope === 'string'
        ? parseSingleScope(context.actor, body.scope)
        : (body.scope ?? defaultWriteScope(context.actor));
    const stored = await idempotently(http, services, context, {
      body,
      bodyKey: idempotencyKey,
      run: (guarded) => addMemory(guarded, { ...body, scope }),
      respond: (result) => ({
        status: result.action === 'created' || result.action === 'superseded' ? 201 : 200,
        body: result,
      }),
    });
    return stored.status === 201 ? http.json(stored.body, 201) : http.json(stored.body, 200);
  });
  app.openapi(importRoute, async (http) => {
    const context = contextOf(http, services);
    const { idempotencyKey, ...body } = http.req.valid('json');
    const items = body.items.map(({ scope, ...item }, index) => ({
      ...item,
      scope:
        typeof scope === 'string'
          ? parseSingleScope(context.actor, scope, `json.items.${index}.scope`)
          : (scope ?? defaultWriteScope(context.actor)),
    }));
    const stored = await idempotently(http, services, context, {
      body,
      bodyKey: idempotencyKey,
      run: (guarded) => importMemories(guarded, items, { atomic: true, field: 'json.items' }),
      respond: (result) => ({ status: 200 as const, body: result }),
    });
    return http.json(stored.body, 200);
  });
  app.openapi(search, async (http) => {
    const context = contextOf(http, services);
    const query = http.req.valid('query');
    const types = splitList(query.type) as Array<(typeof memoryTypes)[number]> | undefined;
    const tagList = splitList(query.tag);
    const hits = await searchMemories(context, {
      query: query.q,
      scopes: await searchScopes(context, query.scope),
      ...(types ? { types } : {}),
      ...(tagList ? { tags: tagList } : {}),
      ...(query.limit ? { limit: query.limit } : {}),
      includeInvalid: query.includeInvalid === 'true',
      ...(query.occurredFrom === undefined ? {} : { occurredFrom: query.occurredFrom }),
      ...(query.occurredTo === undefined ? {} : { occurredTo: query.occurredTo }),
    });
    return http.json({ hits }, 200);
  });
  app.openapi(get, async (http) =>
    http.json(
      await getMemory(contextOf(http, services), http.req.valid('param').id, { countAccess: true }),
      200,
    ),
  );
  app.openapi(history, async (http) =>
    http.json(await memoryHistory(contextOf(http, services), http.req.valid('param').id), 200),
  );
  app.openapi(remove, async (http) => {
    const reason = http.req.valid('query').reason;
    const memory = await deleteMemory(contextOf(http, services), http.req.valid('param').id, {
      reason: reason ?? 'deleted over the API',
    });
    return http.json(memory, 200);
  });
}
