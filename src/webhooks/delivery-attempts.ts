import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Services } from '../context/index.js';
import { toStoredEvent } from '../events/index.js';
import { backoffDelay } from '../kernel/index.js';
import type { Schema } from '../storage/index.js';
import { defineTaskHandler, enqueueTasks, recordEffect, type TaskHandler } from '../tasks/index.js';
import { type AttemptOutcome, postWebhook, type WebhookConfig } from './webhook-egress.js';
import { eventMessage, signMessage } from './webhook-message.js';

/** The task kind of one delivery attempt; its payload is `DeliveryAttempt`. */
export const webhookDeliverKind = 'webhook-deliver';

export type WebhookServices = Services & { config: WebhookConfig };

const attemptPayload = z.object({
  deliveryId: z.string().min(1),
  /** 1 for the first attempt. */
  attempt: z.number().int().min(1),
  /** The attempt after which a failure is final. */
  lastAttempt: z.number().int().min(1),
});
export type DeliveryAttempt = z.output<typeof attemptPayload>;

/**
 * Enqueues one attempt as a task in `executor` (the caller's transaction). Its idempotency key
 * names the delivery and the attempt, so an attempt is enqueued once however often this runs.
 */
export async function enqueueAttempts(
  services: WebhookServices,
  executor: Kysely<Schema>,
  attempts: ReadonlyArray<DeliveryAttempt & { orgId: string; runAt?: number }>,
): Promise<void> {
  await enqueueTasks(
    services,
    attempts.map(({ orgId, runAt, ...payload }) => ({
      orgId,
      kind: webhookDeliverKind,
      payload,
      ...(runAt === undefined ? {} : { runAt }),
      idempotencyKey: `webhook:${payload.deliveryId}:${payload.attempt}`,
      // The engine reruns an attempt only when its process died mid-way (the receiver deduplicates
      // on webhook-id); an answered attempt is never thrown as an error.
      maxAttempts: 5,
      timeoutMs: services.config.webhooks.timeoutMs + 10_000,
    })),
    executor,
  );
}

async function attemptOnce(
  services: WebhookServices,
  row: { id: string; event_id: string; url: string; secret: string; enabled: number },
  signal: AbortSignal,
): Promise<AttemptOutcome> {
  const refused = (error: string): AttemptOutcome => ({
    status: null,
    excerpt: null,
    error,
    refused: true,
    durationMs: 0,
  });
  if (!row.enabled) return refused('the webhook is disabled');
  const event = await services.database.db
    .selectFrom('event')
    .selectAll()
    .where('id', '=', row.event_id)
    .executeTakeFirst();
  if (!event) return refused('the event is no longer stored');
  const body = eventMessage(toStoredEvent(event));
  const headers = signMessage(row.secret, row.id, services.clock.now(), body);
  return postWebhook({ url: row.url, headers, body }, services.config, signal, () => services.clock.now());
}

/**
 * The handler of `webhook-deliver` tasks: one signed POST, then, in one transaction with a
 * `task_effect` row, the outcome in the delivery log and — after a failure that may pass — the
 * next attempt, after an exponential backoff (`webhooks.retryBaseMs` doubling up to
 * `webhooks.retryMaxMs`, with jitter). A refusal by the egress rules, or the last attempt, ends
 * the delivery as `failed`.
 */
export function createWebhookHandlers(services: WebhookServices): Record<string, TaskHandler> {
  return {
    [webhookDeliverKind]: defineTaskHandler(attemptPayload, async (run, payload) => {
      const { deliveryId, attempt, lastAttempt } = payload;
      const row = await services.database.db
        .selectFrom('webhook_delivery')
        .innerJoin('webhook_subscription', 'webhook_subscription.id', 'webhook_delivery.subscription_id')
        .select([
          'webhook_delivery.id',
          'webhook_delivery.org_id',
          'webhook_delivery.event_id',
          'webhook_delivery.status',
          'webhook_delivery.attempts',
          'webhook_subscription.url',
          'webhook_subscription.secret',
          'webhook_subscription.enabled',
        ])
        .where('webhook_delivery.id', '=', deliveryId)
        .executeTakeFirst();
      if (!row) return { skipped: 'the webhook or the delivery was deleted' };
      if (row.status !== 'pending' || row.attempts >= attempt) {
        return { repeated: `attempt ${attempt} was already recorded` };
      }
      const outcome = await attemptOnce(services, row, run.signal);
      const delivered = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
      const final = !delivered && (outcome.refused || attempt >= lastAttempt);
      return services.database.transaction(async (transaction) => {
        if (!(await recordEffect(services, run.task.id, 'attempt', transaction))) {
          return { repeated: 'this attempt was recorded by an earlier run of its task' };
        }
        const now = services.clock.now();
        const { retryBaseMs, retryMaxMs } = services.config.webhooks;
        const nextAttemptAt =
          delivered || final ? null : now + backoffDelay(attempt, { baseMs: retryBaseMs, maxMs: retryMaxMs });
        const status = delivered ? 'delivered' : final ? 'failed' : 'pending';
        const updated = await transaction
          .updateTable('webhook_delivery')
          .set({
            status,
            attempts: attempt,
            last_status: outcome.status,
            last_error: outcome.error,
            response_excerpt: outcome.excerpt,
            next_attempt_at: nextAttemptAt,
            delivered_at: delivered ? now : null,
            updated_at: now,
          })
          .where('id', '=', row.id)
          .where('status', '=', 'pending')
          .where('attempts', '<', attempt)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) return { repeated: 'the delivery moved on meanwhile' };
        if (nextAttemptAt !== null) {
          await enqueueAttempts(services, transaction, [
            {
              orgId: row.org_id,
              deliveryId: row.id,
              attempt: attempt + 1,
              lastAttempt,
              runAt: nextAttemptAt,
            },
          ]);
        }
        return { status, httpStatus: outcome.status, durationMs: outcome.durationMs };
      });
    }),
  };
}
