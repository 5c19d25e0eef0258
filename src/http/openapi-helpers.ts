import { z } from '@hono/zod-openapi';
import type { Context, TypedResponse } from 'hono';
import type { JSONParsed } from 'hono/utils/types';

/**
 * `http.json(data, 200)`, written by `serialize`, which must produce what `JSON.stringify(data)`
 * would: for values whose JSON is kept rather than written on every request (see `agentJson`).
 */
export function jsonVia<T>(http: Context, data: T, serialize: (data: T) => string) {
  return http.body(serialize(data), 200, { 'Content-Type': 'application/json' }) as unknown as Response &
    TypedResponse<JSONParsed<T>, 200, 'json'>;
}

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .openapi('Error');

const errorResponse = (description: string) => ({
  content: { 'application/json': { schema: errorSchema } },
  description,
});

/** The error responses every authenticated route can give. */
export const commonErrors = {
  400: errorResponse('Invalid input; `details.fields` names each offending field'),
  401: errorResponse('Missing, invalid or revoked API key'),
  403: errorResponse('The key’s role may not do this'),
  404: errorResponse('Not found (or owned by another org)'),
  429: errorResponse('Rate limited; see Retry-After'),
  500: errorResponse('Unexpected failure; the server logs it under the response’s X-Request-Id'),
  503: errorResponse('Temporarily unavailable; try again later'),
} as const;

/** The error responses of a route that takes a request body. */
export const bodyErrors = {
  413: errorResponse('Request body too large'),
  415: errorResponse('Request body in a media type the route does not take (send application/json)'),
} as const;

/** The error response of a route whose change can conflict with the current state. */
export const conflictError = {
  409: errorResponse('Conflicts with the current state (a duplicate, or a change already made)'),
} as const;

/** Bearer API key: every `/v1` route. */
export const security = [{ Bearer: [] }];

/** No authentication: health, readiness, metrics and the OpenAPI document. */
export const publicRoute: Array<Record<string, string[]>> = [];

export function jsonContent<Schema extends z.ZodType>(schema: Schema, description: string) {
  return { content: { 'application/json': { schema } }, description };
}

export function jsonBody<Schema extends z.ZodType>(schema: Schema) {
  return { content: { 'application/json': { schema } }, required: true };
}

/** The `{id}` path parameter. */
export const idParam = (_name: 'id', example: string) =>
  z.object({
    id: z
      .string()
      .min(1)
      .max(200)
      .openapi({ param: { name: 'id', in: 'path' }, example }),
  });

/**
 * An optional point in time as a query parameter, in epoch milliseconds (up to the latest time a
 * JavaScript Date holds). Minimum 1, not 0: zod-to-openapi writes a coerced number with minimum 0
 * as nullable, which the served document must not say.
 */
export const epochMsQuery = (description: string) =>
  z.coerce.number().int().min(1).max(8_640_000_000_000_000).optional().openapi({ description });

/** `?limit=&cursor=` of a list route: up to 200 items after `cursor` (the last id seen). */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().max(200).optional(),
});

/** A page of a list route: `{ <key>: Item[], nextCursor }` (null on the last page). */
export function pageOf<Key extends string, Item extends z.ZodType>(
  key: Key,
  item: Item,
  description: string,
) {
  const schema = z.object({
    [key]: z.array(item),
    nextCursor: z.string().nullable(),
  }) as unknown as z.ZodObject<{ [K in Key]: z.ZodArray<Item> } & { nextCursor: z.ZodNullable<z.ZodString> }>;
  return jsonContent(schema, description);
}

/** A response that is a stream of server-sent events. */
export const sseResponse = {
  content: { 'text/event-stream': { schema: z.string() } },
  description: 'SSE: each message’s `data` is a `StoredEvent` (components/schemas), its `event` the type',
};

/**
 * `schema | null` for a schema registered as a component. zod-to-openapi writes `.nullable()` of
 * a component as `allOf: [$ref, { type: [object, null] }]`, which no `null` satisfies (generated
 * clients then type the field never-null); a union with `null` comes out as
 * `anyOf: [$ref, { type: 'null' }]`.
 */
export function nullableRef<Schema extends z.ZodType>(schema: Schema) {
  return z.union([schema, z.null()]);
}
