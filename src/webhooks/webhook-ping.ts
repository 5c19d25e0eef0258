import { requireRole } from '../context/index.js';
import { transact } from '../events/index.js';
import { recordAudit } from '../identity/index.js';
import { loadWebhookRow, type WebhookContext } from './subscriptions.js';
import { postWebhook } from './webhook-egress.js';
import { signMessage } from './webhook-message.js';

export interface WebhookPing {
  /** The `webhook-id` the test message carried. */
  messageId: string;
  delivered: boolean;
  status: number | null;
  error: string | null;
  responseExcerpt: string | null;
  durationMs: number;
}

/**
 * Sends a signed `webhook-ping` message now and reports the answer (member). It is not an event
 * and not a delivery: nothing is logged but the audit row, and it is not retried.
 */
export async function pingWebhook(context: WebhookContext, id: string): Promise<WebhookPing> {
  requireRole(context.actor, 'member');
  const { services, actor } = context;
  const row = await loadWebhookRow(services.database.db, actor.orgId, id);
  const messageId = services.ids.next('msg');
  const now = services.clock.now();
  const body = JSON.stringify({
    type: 'webhook-ping',
    timestamp: new Date(now).toISOString(),
    data: { webhookId: row.id, orgId: row.org_id },
  });
  const outcome = await postWebhook(
    { url: row.url, headers: signMessage(row.secret, messageId, now, body), body },
    services.config,
    context.signal,
    () => services.clock.now(),
  );
  await transact(services, (transaction) =>
    recordAudit(transaction, services, actor, {
      action: 'webhook.ping',
      resourceType: 'webhook',
      resourceId: row.id,
      details: { status: outcome.status },
    }),
  );
  const delivered = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
  return {
    messageId,
    delivered,
    status: outcome.status,
    error: outcome.error,
    responseExcerpt: outcome.excerpt,
    durationMs: outcome.durationMs,
  };
}
