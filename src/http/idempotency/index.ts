export {
  idempotencyErrors,
  idempotencyHeaders,
  idempotencyKeySchema,
  withIdempotencyKey,
} from './idempotency-schema.js';
export { deleteExpiredRecords, idempotencyTtlMs } from './idempotency-store.js';
export { type IdempotentOutcome, type IdempotentRequest, idempotently } from './idempotent.js';
