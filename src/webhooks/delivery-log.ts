import type { Kysely } from 'kysely';
import { inUnitOfWork, requireRole } from '../context/index.js';
import { ColonyError, notFound } from '../errors/index.js';
import { recordAudit } from '../identity/index.js';
import type { Row, Schema } from '../storage/index.js';
import { enqueueAttempts } from './delivery-attempts.js';
import { loadWebhookRow, type WebhookContext } from './subscriptions.js';
import type { DeliveryStatus } from './webhook-schema.js';

export interface WebhookDelivery {
  /** Also the message's `webhook-id`. */
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  eventSeq: number;
  status: DeliveryStatus;
  attempts: number;
  /** HTTP status of the last attempt; null when it got no response. */
  lastStatus: number | null;
  lastError: string | null;
  /** The first bytes (`webhooks.responseExcerptBytes`) of the last response body. */
  responseExcerpt: string | null;
  nextAttemptAt: number | null;
  deliveredAt: number | null;
  createdAt: number;
  updatedAt: number;
}

function toDelivery(row: Row<'webhook_delivery'>): WebhookDelivery {
  return {
    id: row.id,
    webhookId: row.subscription_id,
    eventId: row.event_id,
    eventType: row.event_type,
    eventSeq: Number(row.event_seq),
    status: row.status as DeliveryStatus,
    attempts: Number(row.attempts),
    lastStatus: row.last_status === null ? null : Number(row.last_status),
    lastError: row.last_error,
    responseExcerpt: row.response_excerpt,
    nextAttemptAt: row.next_attempt_at === null ? null : Number(row.next_attempt_at),
    deliveredAt: row.delivered_at === null ? null : Number(row.delivered_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** A delivery of the org's webhook `webhookId` (404 for another org's, or another webhook's). */
async function loadDelivery(
  executor: Kysely<Schema>,
  orgId: string,
  webhookId: string,
  deliveryId: string,
): Promise<Row<'webhook_delivery'>> {
  const webhook = await loadWebhookRow(executor, orgId, webhookId);
  const row = await executor
    .selectFrom('webhook_delivery')
    .selectAll()
    .where('subscription_id', '=', webhook.id)
    .where('id', '=', deliveryId)
    .executeTakeFirst();
  if (!row) throw notFound('delivery', deliveryId);
  return row;
}

/** A webhook's deliveries, newest first, `limit` at a time after `cursor` (the last id seen). */
export async function listWebhookDeliveries(
  context: WebhookContext,
  webhookId: string,
  options: {
    limit?: number | undefined;
    cursor?: string | undefined;
    status?: DeliveryStatus | undefined;
  } = {},
): Promise<{ deliveries: WebhookDelivery[]; nextCursor: string | null }> {
  requireRole(context.actor, 'viewer');
  const { db } = context.services.database;
  const webhook = await loadWebhookRow(db, context.actor.orgId, webhookId);
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
  let query = db.selectFrom('webhook_delivery').selectAll().where('subscription_id', '=', webhook.id);
  if (options.cursor !== undefined) query = query.where('id', '<', options.cursor);
  if (options.status !== undefined) query = query.where('status', '=', options.status);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const deliveries = rows.slice(0, limit).map(toDelivery);
  return { deliveries, nextCursor: rows.length > limit ? (deliveries.at(-1)?.id ?? null) : null };
}

export async function getWebhookDelivery(
  context: WebhookContext,
  webhookId: string,
  deliveryId: string,
): Promise<WebhookDelivery> {
  requireRole(context.actor, 'viewer');
  return toDelivery(
    await loadDelivery(context.services.database.db, context.actor.orgId, webhookId, deliveryId),
  );
}

/**
 * Sends a delivered or failed delivery again (member), with the same `webhook-id` and a fresh
 * series of `webhooks.maxAttempts` attempts. A delivery still pending is a conflict.
 */
export async function redeliverWebhookDelivery(
  context: WebhookContext,
  webhookId: string,
  deliveryId: string,
): Promise<WebhookDelivery> {
  requireRole(context.actor, 'member');
  const { services, actor } = context;
  return inUnitOfWork(context, async ({ transaction }) => {
    const row = await loadDelivery(transaction, actor.orgId, webhookId, deliveryId);
    if (row.status === 'pending') {
      throw new ColonyError(
        'conflict',
        `delivery ${row.id} is still pending (attempt ${row.attempts + 1} is queued)`,
      );
    }
    const now = services.clock.now();
    const next = { ...row, status: 'pending', next_attempt_at: now, updated_at: now };
    await transaction
      .updateTable('webhook_delivery')
      .set({ status: next.status, next_attempt_at: now, updated_at: now })
      .where('id', '=', row.id)
      .execute();
    const attempt = Number(row.attempts) + 1;
    await enqueueAttempts(services, transaction, [
      {
        orgId: actor.orgId,
        deliveryId: row.id,
        attempt,
        lastAttempt: attempt + services.config.webhooks.maxAttempts - 1,
      },
    ]);
    await recordAudit(transaction, services, actor, {
      action: 'webhook.redeliver',
      resourceType: 'webhook-delivery',
      resourceId: row.id,
    });
    return toDelivery(next);
  });
}
