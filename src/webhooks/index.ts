export { createWebhookHandlers } from './delivery-attempts.js';
export { getWebhookDelivery, listWebhookDeliveries, redeliverWebhookDelivery } from './delivery-log.js';
export { createWebhookDispatcher } from './dispatcher.js';
export {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhooks,
  rotateWebhookSecret,
  updateWebhook,
} from './subscriptions.js';
export { pingWebhook } from './webhook-ping.js';
export {
  createWebhookInput,
  deliveryStatuses,
  updateWebhookInput,
} from './webhook-schema.js';
