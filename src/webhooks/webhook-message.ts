import { Webhook } from 'standardwebhooks';
import type { StoredEvent } from '../events/index.js';

/** The body of a delivery, as Standard Webhooks suggests: `{ type, timestamp, data }`. */
export function eventMessage(event: StoredEvent): string {
  return JSON.stringify({
    type: event.type,
    timestamp: new Date(event.createdAt).toISOString(),
    data: event,
  });
}

const signers = new Map<string, Webhook>();

/**
 * The three Standard Webhooks headers of one message: `webhook-id` (the same on every retry and
 * redelivery, so receivers deduplicate on it), `webhook-timestamp` (seconds) and
 * `webhook-signature` (`v1,<base64 HMAC-SHA256 of id.timestamp.body>`).
 */
export function signMessage(
  secret: string,
  messageId: string,
  timestampMs: number,
  body: string,
): Record<string, string> {
  let signer = signers.get(secret);
  if (!signer) {
    if (signers.size > 1000) signers.clear();
    signer = new Webhook(secret);
    signers.set(secret, signer);
  }
  const timestamp = new Date(timestampMs);
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(timestampMs / 1000)),
    'webhook-signature': signer.sign(messageId, timestamp, body),
  };
}
