import { z } from 'zod';
import { eventCatalog } from '../events/index.js';

const knownTypes = new Set(Object.keys(eventCatalog));

/** The event types a subscription receives: catalog types (`run-succeeded`), or `*` for all. */
export const webhookEventTypes = z
  .array(
    z
      .string()
      .min(1)
      .max(100)
      .refine((type) => type === '*' || knownTypes.has(type), {
        message: 'not an event type of the catalog (docs/API.md, Events), nor "*"',
      }),
  )
  .min(1)
  .max(100)
  .describe('event types to receive (`run-succeeded`, `mission-failed`, …) or `["*"]` for every type');

const webhookUrl = z
  .string()
  .min(1)
  .max(2048)
  .refine((text) => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol), {
    message: 'an http:// or https:// URL',
  })
  .describe('where deliveries are POSTed');

export const createWebhookInput = z.strictObject({
  url: webhookUrl,
  eventTypes: webhookEventTypes,
  description: z.string().max(1000).default(''),
  enabled: z.boolean().default(true),
});
export type CreateWebhookInput = z.input<typeof createWebhookInput>;

export const updateWebhookInput = z.strictObject({
  url: webhookUrl.optional(),
  eventTypes: webhookEventTypes.optional(),
  description: z.string().max(1000).optional(),
  enabled: z.boolean().optional().describe('false: no new deliveries; queued ones end as failed'),
});
export type UpdateWebhookInput = z.input<typeof updateWebhookInput>;

export const deliveryStatuses = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];
