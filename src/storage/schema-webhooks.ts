/** A webhook subscription of an org (migration 0012); written only by `src/webhooks`. */
export interface WebhookSubscriptionTable {
  id: string;
  org_id: string;
  url: string;
  description: string;
  /** JSON array of event types, or `["*"]` for every type. */
  event_types: string;
  /** The Standard Webhooks signing secret, `whsec_…` (base64 of 24 random bytes). */
  secret: string;
  enabled: number;
  /** The newest event when the subscription was made: only later events are delivered to it. */
  start_seq: number;
  created_by: string;
  created_at: number;
  updated_at: number;
}

/** One event on its way to one subscription; its `id` is the message's `webhook-id`. */
export interface WebhookDeliveryTable {
  id: string;
  org_id: string;
  subscription_id: string;
  event_id: string;
  event_type: string;
  event_seq: number;
  /** `pending`, `delivered` or `failed`. */
  status: string;
  attempts: number;
  /** HTTP status of the last attempt (null: no response). */
  last_status: number | null;
  last_error: string | null;
  /** The first bytes of the last response body. */
  response_excerpt: string | null;
  next_attempt_at: number | null;
  delivered_at: number | null;
  created_at: number;
  updated_at: number;
}

/** How far the webhook dispatcher has read the event log (one row, `events`). */
export interface WebhookCursorTable {
  name: string;
  seq: number;
}

declare module './schema.js' {
  interface Schema {
    webhook_subscription: WebhookSubscriptionTable;
    webhook_delivery: WebhookDeliveryTable;
    webhook_cursor: WebhookCursorTable;
  }
}
