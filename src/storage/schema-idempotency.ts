/** A creating request's first response under its `Idempotency-Key` (migration 0006). */
export interface IdempotencyRecordTable {
  org_id: string;
  /** The API key (or user) that sent the request: keys are scoped per caller. */
  actor_id: string;
  /** The route pattern, `POST /v1/chats/{id}/messages`. */
  route: string;
  key: string;
  /** SHA-256 of the method, the path and the canonical JSON body. */
  fingerprint: string;
  status: number;
  /** The response body as JSON. */
  body: string;
  created_at: number;
  expires_at: number;
}

declare module './schema.js' {
  interface Schema {
    idempotency_record: IdempotencyRecordTable;
  }
}
