import { z } from 'zod';
import { booleanish, setting } from './setting.js';

/**
 * `webhooks.*`: delivery of outbound webhooks (the webhooks capability's `WebhooksConfig`). The
 * hosts they may reach follow `tools.http.allow` and `tools.http.deny`.
 */
export const webhooksSettings = z
  .strictObject({
    allowPrivate: setting(booleanish.default(false), {
      env: 'COLONY_WEBHOOKS_ALLOW_PRIVATE',
      meaning:
        'webhooks may be delivered to private, loopback and link-local addresses (hosts also follow `tools.http.allow` and `tools.http.deny`)',
    }),
    maxAttempts: setting(z.coerce.number().int().min(1).max(50).default(8), {
      env: 'COLONY_WEBHOOKS_MAX_ATTEMPTS',
      meaning: 'attempts of one delivery before it is marked `failed`',
    }),
    retryBaseMs: setting(z.coerce.number().int().min(1).max(3_600_000).default(5_000), {
      env: 'COLONY_WEBHOOKS_RETRY_BASE_MS',
      meaning:
        'delay before the second attempt; it doubles with each attempt (with jitter) up to `webhooks.retryMaxMs`',
    }),
    retryMaxMs: setting(z.coerce.number().int().min(1).max(86_400_000).default(3_600_000), {
      env: 'COLONY_WEBHOOKS_RETRY_MAX_MS',
      meaning: 'longest delay between two attempts of a delivery',
    }),
    timeoutMs: setting(z.coerce.number().int().min(100).max(120_000).default(10_000), {
      env: 'COLONY_WEBHOOKS_TIMEOUT_MS',
      meaning: 'deadline of one delivery attempt (connect, send, response); past it the attempt failed',
    }),
    responseExcerptBytes: setting(z.coerce.number().int().min(0).max(65_536).default(2_048), {
      env: 'COLONY_WEBHOOKS_RESPONSE_EXCERPT_BYTES',
      meaning: 'bytes of a receiver’s response body kept in the delivery log (the rest is not read)',
    }),
    pollIntervalMs: setting(z.coerce.number().int().min(10).max(60_000).default(500), {
      env: 'COLONY_WEBHOOKS_POLL_MS',
      meaning:
        'how often the dispatcher reads the event log for events written by other processes (events of its own process wake it at once)',
    }),
  })
  .prefault({});
