import type {
  CreateWebhookInput,
  UpdateWebhookInput,
  Webhook,
  WebhookDelivery,
  WebhookPing,
  WebhookWithSecret,
} from '../webhooks/index.js';

export type {
  CreateWebhookInput,
  UpdateWebhookInput,
  Webhook,
  WebhookDelivery,
  WebhookPing,
  WebhookWithSecret,
};

/** `GET /v1/webhooks/{id}/deliveries`: newest first. */
export interface WebhookDeliveryPage {
  deliveries: WebhookDelivery[];
  nextCursor: string | null;
}

export interface WebhookDeliveryQuery {
  limit?: number;
  cursor?: string;
  status?: WebhookDelivery['status'];
}

/** `client.webhooks`: outbound webhooks of the org (docs/webhooks.md). */
export interface WebhooksClient {
  /** The response carries the signing secret, shown only here (admin). */
  create(input: CreateWebhookInput): Promise<WebhookWithSecret>;
  list(): Promise<{ webhooks: Webhook[] }>;
  get(id: string): Promise<Webhook>;
  update(id: string, input: UpdateWebhookInput): Promise<Webhook>;
  delete(id: string): Promise<Webhook>;
  rotateSecret(id: string): Promise<WebhookWithSecret>;
  /** Sends a signed `webhook-ping` now and reports the answer. */
  ping(id: string): Promise<WebhookPing>;
  deliveries(id: string, query?: WebhookDeliveryQuery): Promise<WebhookDeliveryPage>;
  delivery(id: string, deliveryId: string): Promise<WebhookDelivery>;
  redeliver(id: string, deliveryId: string): Promise<WebhookDelivery>;
}
