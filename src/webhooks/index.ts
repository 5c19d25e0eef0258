export { createWebhookHandlers } from './delivery-attempts.js';
export {
  getWebhookDelivery,
  listWebhookDeliveries,
  redeliverWebhookDelivery,
  type WebhookDelivery,
} from './delivery-log.js';
export { createWebhookDispatcher } from './dispatcher.js';
export {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhooks,
  rotateWebhookSecret,
  updateWebhook,
  type Webhook,
  type WebhookWithSecret,
} from './subscriptions.js';
export { pingWebhook, type WebhookPing } from './webhook-ping.js';
export {
  type CreateWebhookInput,
  createWebhookInput,
  deliveryStatuses,
  type UpdateWebhookInput,
  updateWebhookInput,
} from './webhook-schema.js';
