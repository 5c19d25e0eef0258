import { z } from '@hono/zod-openapi';
import { errorSchema, jsonContent } from '../openapi-helpers.js';

/** An `Idempotency-Key`: 1–255 visible ASCII characters (a UUID is a good choice). */
export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'use 1–255 visible ASCII characters, for example a UUID');

const description =
  'Makes the request safe to retry: the first response under this key is stored for 24 hours and a retry with the same key and request gets it again (`Idempotent-Replayed: true`); the same key with another request is 422';

/** The optional `Idempotency-Key` header of a creating route. */
export const idempotencyHeaders = z.object({
  'idempotency-key': idempotencyKeySchema.optional().openapi({
    description,
    example: '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d',
  }),
});

/** Adds the optional `idempotencyKey` body field (the header's alternative) to a route's body. */
export function withIdempotencyKey<Shape extends z.ZodRawShape>(schema: z.ZodObject<Shape>) {
  return schema.extend({
    idempotencyKey: idempotencyKeySchema
      .optional()
      .openapi({ description: `The Idempotency-Key header, as a body field. ${description}` }),
  });
}

/** The error response of a creating route whose Idempotency-Key was used for another request. */
export const idempotencyErrors = {
  422: jsonContent(errorSchema, 'The Idempotency-Key was already used for a different request'),
} as const;
