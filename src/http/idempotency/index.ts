export {
  idempotencyErrors,
  idempotencyHeaders,
  idempotencyKeySchema,
  withIdempotencyKey,
} from './idempotency-schema.js';
export { type IdempotentOutcome, type IdempotentRequest, idempotently } from './idempotent.js';
