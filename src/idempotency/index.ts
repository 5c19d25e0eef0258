export {
  claimRecord,
  completeRecord,
  deleteExpiredRecords,
  findRecord,
  type RecordKey,
  type StoredResponse,
} from './idempotency-store.js';
