import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Config } from '../config/index.js';
import { ColonyError, coerceError } from '../errors/index.js';
import {
  checkUrl,
  defaultEgressDependencies,
  readLimitedBody,
  resolveAllowedAddresses,
  sendRequest,
} from '../tools/index.js';

/** The slices of the configuration webhooks read: their own, and the HTTP tool's host lists. */
export type WebhookConfig = Pick<Config, 'webhooks' | 'tools'>;

/**
 * Keep-alive connections, shared by all deliveries of the process: a receiver taking many
 * deliveries is not paid a TCP (and TLS) handshake for each. A pooled connection was opened to
 * an address the egress rules allowed.
 */
const agents = {
  'http:': new HttpAgent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16, timeout: 30_000 }),
  'https:': new HttpsAgent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16, timeout: 30_000 }),
};

/** What one attempt came to: a response (any status), or no response and why. */
export interface AttemptOutcome {
  status: number | null;
  excerpt: string | null;
  error: string | null;
  /** The egress rules refuse the URL: retrying cannot help. */
  refused: boolean;
  durationMs: number;
}

function policyOf(config: WebhookConfig) {
  const { allow, deny, maxResponseBytes, timeoutMs, maxRedirects, approval } = config.tools.http;
  return {
    allow,
    deny,
    allowPrivate: config.webhooks.allowPrivate,
    maxResponseBytes,
    timeoutMs,
    maxRedirects,
    approval,
  };
}

/** Checks the URL against the egress rules without sending: scheme, credentials, allow and deny lists, private addresses. */
export async function checkWebhookUrl(
  text: string,
  config: WebhookConfig,
  signal: AbortSignal,
): Promise<void> {
  const policy = policyOf(config);
  const url = new URL(text);
  const host = checkUrl(url, policy);
  try {
    await resolveAllowedAddresses(host, policy, defaultEgressDependencies, signal);
  } catch (error) {
    // A host that does not resolve now may later; only a refusal is final.
    if (error instanceof ColonyError && error.code === 'forbidden') throw error;
  }
}

/**
 * POSTs one signed message under the HTTP tool's egress rules (the webhook setting decides on
 * private addresses): connects only to the addresses checked, follows no redirect (a 3xx is a
 * failed attempt), gives up after `webhooks.timeoutMs` and reads at most
 * `webhooks.responseExcerptBytes` of the answer.
 */
export async function postWebhook(
  target: { url: string; headers: Record<string, string>; body: string },
  config: WebhookConfig,
  signal: AbortSignal,
  now: () => number,
): Promise<AttemptOutcome> {
  const started = now();
  const policy = policyOf(config);
  const timeout = AbortSignal.timeout(config.webhooks.timeoutMs);
  const combined = AbortSignal.any([signal, timeout]);
  const outcome = (fields: Partial<AttemptOutcome>): AttemptOutcome => ({
    status: null,
    excerpt: null,
    error: null,
    refused: false,
    ...fields,
    durationMs: now() - started,
  });
  let addresses: Awaited<ReturnType<typeof resolveAllowedAddresses>>;
  const url = new URL(target.url);
  try {
    const host = checkUrl(url, policy);
    addresses = await resolveAllowedAddresses(host, policy, defaultEgressDependencies, combined);
  } catch (error) {
    const refused = error instanceof ColonyError && error.code === 'forbidden';
    return outcome({ error: coerceError(error).message.replace(/^http_request: /, ''), refused });
  }
  try {
    const response = await sendRequest(
      url,
      addresses,
      {
        method: 'POST',
        headers: {
          ...target.headers,
          'content-type': 'application/json',
          'user-agent': 'colony-webhooks',
        },
        body: Buffer.from(target.body, 'utf8'),
      },
      combined,
      url.protocol === 'https:' ? agents['https:'] : agents['http:'],
    );
    const { body, truncated } = await readLimitedBody(response, config.webhooks.responseExcerptBytes);
    // A body read to its end leaves the connection reusable; a cut one closes it.
    if (truncated) response.destroy();
    const status = response.statusCode ?? 0;
    return outcome({
      status,
      excerpt: body,
      error: status >= 200 && status < 300 ? null : `the receiver answered ${status}`,
    });
  } catch (error) {
    if (signal.aborted) throw coerceError(signal.reason);
    const reason = timeout.aborted
      ? `no answer within ${config.webhooks.timeoutMs} ms`
      : coerceError(error).message;
    return outcome({ error: reason });
  }
}
