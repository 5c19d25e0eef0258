import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHttpHarness, type HttpHarness } from '../http/test-support/http-harness.js';
import { testDialects } from '../storage/test-support/databases.js';
import { type Receiver, startReceiver } from './test-support/receiver.js';

interface WebhookBody {
  id: string;
  url: string;
  eventTypes: string[];
  enabled: boolean;
  secret?: string;
}
interface Delivery {
  id: string;
  status: string;
  attempts: number;
  eventType: string;
  lastStatus: number | null;
  lastError: string | null;
  responseExcerpt: string | null;
  nextAttemptAt: number | null;
}
interface ErrorBody {
  error: { code: string; details?: { fields?: Array<{ path: string }> } };
}

const webhookConfig = {
  allowPrivate: true,
  maxAttempts: 3,
  retryBaseMs: 20,
  retryMaxMs: 50,
  responseExcerptBytes: 64,
  pollIntervalMs: 50,
};

describe.each(testDialects)('webhooks on %s', (dialect) => {
  let harness: HttpHarness;
  let receiver: Receiver;
  let agents = 0;

  async function json<T>(response: Promise<Response>, status = 200): Promise<T> {
    const resolved = await response;
    expect(resolved.status, await resolved.clone().text()).toBe(status);
    return (await resolved.json()) as T;
  }
  const subscribe = (body: Record<string, unknown> = {}) =>
    json<WebhookBody>(
      harness.request('POST', '/v1/webhooks', {
        body: { url: receiver.url, eventTypes: ['agent-created'], ...body },
      }),
      201,
    );
  /** Commits one `agent-created` event. */
  const makeEvent = async () => {
    agents++;
    await json(harness.request('POST', '/v1/agents', { body: { name: `agent-${dialect}-${agents}` } }), 201);
  };
  const deliveries = (webhookId: string) =>
    json<{ deliveries: Delivery[]; nextCursor: string | null }>(
      harness.request('GET', `/v1/webhooks/${webhookId}/deliveries`),
    );
  async function settled(webhookId: string, count: number): Promise<Delivery[]> {
    for (let waited = 0; waited < 20_000; waited += 25) {
      const list = (await deliveries(webhookId)).deliveries;
      if (list.length >= count && list.every((delivery) => delivery.status !== 'pending')) return list;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(
      `deliveries of ${webhookId} did not settle: ${JSON.stringify(await deliveries(webhookId))}`,
    );
  }

  beforeAll(async () => {
    harness = await createHttpHarness(dialect, { workers: true, config: { webhooks: webhookConfig } });
    receiver = await startReceiver();
  }, 60_000);
  afterAll(async () => {
    await receiver.close();
    await harness.close();
  });
  afterEach(async () => {
    receiver.respond = () => ({ status: 200, body: 'ok' });
    receiver.received.length = 0;
    for (const webhook of (await json<{ webhooks: WebhookBody[] }>(harness.request('GET', '/v1/webhooks')))
      .webhooks) {
      await json(harness.request('DELETE', `/v1/webhooks/${webhook.id}`));
    }
  });

  it('creates, lists, reads, changes and deletes a webhook; the secret is shown only on create and rotate', async () => {
    const created = await subscribe({ description: 'ci' });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const listed = await json<{ webhooks: WebhookBody[] }>(harness.request('GET', '/v1/webhooks'));
    expect(listed.webhooks.map((webhook) => webhook.id)).toEqual([created.id]);
    expect(listed.webhooks[0]).not.toHaveProperty('secret');
    const read = await json<WebhookBody>(harness.request('GET', `/v1/webhooks/${created.id}`));
    expect(read).not.toHaveProperty('secret');
    const changed = await json<WebhookBody>(
      harness.request('PATCH', `/v1/webhooks/${created.id}`, { body: { eventTypes: ['*'], enabled: false } }),
    );
    expect(changed).toMatchObject({ eventTypes: ['*'], enabled: false });
    const rotated = await json<WebhookBody>(
      harness.request('POST', `/v1/webhooks/${created.id}/rotate-secret`),
    );
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(created.secret);
    await json(harness.request('DELETE', `/v1/webhooks/${created.id}`));
    await json(harness.request('GET', `/v1/webhooks/${created.id}`), 404);
  });

  it('refuses unknown event types and bad URLs, naming the field, and stores nothing', async () => {
    const before = await harness.rowCounts(['webhook_subscription', 'audit_log']);
    for (const [body, field] of [
      [{ url: receiver.url, eventTypes: ['agent-exploded'] }, 'eventTypes'],
      [{ url: receiver.url, eventTypes: [] }, 'eventTypes'],
      [{ url: 'ftp://example.com/x', eventTypes: ['*'] }, 'url'],
      [{ url: 'http://user:pw@example.com/x', eventTypes: ['*'] }, 'url'],
    ] as const) {
      const error = await json<ErrorBody>(harness.request('POST', '/v1/webhooks', { body }), 400);
      expect(error.error.details?.fields?.map((entry) => entry.path).join(' ')).toContain(field);
    }
    expect(await harness.rowCounts(['webhook_subscription', 'audit_log'])).toEqual(before);
  });

  it('needs admin to change webhooks, member to redeliver, viewer to read', async () => {
    const created = await subscribe();
    const asMember = await json<ErrorBody>(
      harness.request('POST', '/v1/webhooks', {
        key: harness.keys.member,
        body: { url: receiver.url, eventTypes: ['*'] },
      }),
      403,
    );
    expect(asMember.error.code).toBe('forbidden');
    await json(harness.request('DELETE', `/v1/webhooks/${created.id}`, { key: harness.keys.member }), 403);
    await json(harness.request('GET', `/v1/webhooks/${created.id}`, { key: harness.keys.viewer }));
    await json(harness.request('GET', `/v1/webhooks/${created.id}/deliveries`, { key: harness.keys.viewer }));
  });

  it('answers 404 to another org for every webhook route', async () => {
    const created = await subscribe();
    await makeEvent();
    const [delivery] = await settled(created.id, 1);
    const key = harness.keys.otherOrg;
    const before = await harness.rowCounts(['webhook_subscription', 'webhook_delivery', 'task', 'audit_log']);
    for (const [method, path] of [
      ['GET', `/v1/webhooks/${created.id}`],
      ['PATCH', `/v1/webhooks/${created.id}`],
      ['DELETE', `/v1/webhooks/${created.id}`],
      ['POST', `/v1/webhooks/${created.id}/rotate-secret`],
      ['POST', `/v1/webhooks/${created.id}/ping`],
      ['GET', `/v1/webhooks/${created.id}/deliveries`],
      ['GET', `/v1/webhooks/${created.id}/deliveries/${delivery?.id}`],
      ['POST', `/v1/webhooks/${created.id}/deliveries/${delivery?.id}/redeliver`],
    ] as const) {
      const body = method === 'PATCH' ? { description: 'stolen' } : undefined;
      const error = await json<ErrorBody>(harness.request(method, path, { key, body }), 404);
      expect(error.error.code).toBe('not_found');
    }
    expect(
      (await json<{ webhooks: unknown[] }>(harness.request('GET', '/v1/webhooks', { key }))).webhooks,
    ).toEqual([]);
    expect(
      await harness.rowCounts(['webhook_subscription', 'webhook_delivery', 'task', 'audit_log']),
    ).toEqual(before);
  });

  it('delivers matching events signed per Standard Webhooks, and only those after the subscription', async () => {
    await makeEvent();
    const created = await subscribe();
    await makeEvent();
    await json(harness.request('POST', '/v1/memories', { body: { content: 'not an agent event' } }), 201);
    await makeEvent();
    const log = await settled(created.id, 2);
    expect(log.map((delivery) => [delivery.status, delivery.eventType, delivery.attempts])).toEqual([
      ['delivered', 'agent-created', 1],
      ['delivered', 'agent-created', 1],
    ]);
    expect(receiver.received).toHaveLength(2);
    const verifier = new Webhook(created.secret ?? '');
    for (const message of receiver.received) {
      const verified = verifier.verify(message.body, message.headers as Record<string, string>) as {
        type: string;
        data: { type: string; orgId: string; payload: { name: string } };
      };
      expect(verified.type).toBe('agent-created');
      expect(verified.data.orgId).toBe(harness.orgId);
    }
    expect(receiver.received.map((message) => message.headers['webhook-id']).sort()).toEqual(
      log.map((delivery) => delivery.id).sort(),
    );
    // A forged signature fails verification.
    const [first] = receiver.received;
    expect(() =>
      new Webhook(`whsec_${Buffer.alloc(24, 1).toString('base64')}`).verify(
        first?.body ?? '',
        first?.headers as Record<string, string>,
      ),
    ).toThrow();
  });

  it('retries a 500 with backoff, with the same webhook-id, until it is delivered', async () => {
    const created = await subscribe();
    let calls = 0;
    receiver.respond = () => (++calls === 1 ? { status: 500, body: 'busy' } : { status: 204 });
    await makeEvent();
    const [delivery] = await settled(created.id, 1);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 2, lastStatus: 204, lastError: null });
    const ids = receiver.received.map((message) => message.headers['webhook-id']);
    expect(ids).toEqual([delivery?.id, delivery?.id]);
  });

  it('fails a delivery after the last attempt, keeps a bounded excerpt, and redelivers it on request', async () => {
    const created = await subscribe();
    receiver.respond = () => ({ status: 500, body: 'x'.repeat(10_000) });
    await makeEvent();
    const [failed] = await settled(created.id, 1);
    expect(failed).toMatchObject({ status: 'failed', attempts: 3, lastStatus: 500, nextAttemptAt: null });
    expect(failed?.responseExcerpt).toBe('x'.repeat(64));
    expect(receiver.received).toHaveLength(3);
    receiver.respond = () => ({ status: 200, body: 'thanks' });
    const redeliver = await harness.request(
      'POST',
      `/v1/webhooks/${created.id}/deliveries/${failed?.id}/redeliver`,
    );
    expect(await harness.auditOf(redeliver)).toContainEqual(
      expect.objectContaining({ action: 'webhook.redeliver', resource_id: failed?.id }),
    );
    const queued = await json<Delivery>(Promise.resolve(redeliver), 202);
    expect(queued.status).toBe('pending');
    const [redelivered] = await settled(created.id, 1);
    expect(redelivered).toMatchObject({
      id: failed?.id,
      status: 'delivered',
      attempts: 4,
      responseExcerpt: 'thanks',
    });
    expect(receiver.received.at(-1)?.headers['webhook-id']).toBe(failed?.id);
    const read = await json<Delivery>(
      harness.request('GET', `/v1/webhooks/${created.id}/deliveries/${failed?.id}`),
    );
    expect(read.status).toBe('delivered');
  });

  it('sends nothing to a disabled webhook, and pings on request', async () => {
    const created = await subscribe({ enabled: false });
    await makeEvent();
    await harness.colony.workers?.wake();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await deliveries(created.id)).deliveries).toEqual([]);
    const pinged = await harness.request('POST', `/v1/webhooks/${created.id}/ping`);
    expect(await harness.auditOf(pinged)).toContainEqual(expect.objectContaining({ action: 'webhook.ping' }));
    const ping = await json<{ delivered: boolean; status: number; messageId: string }>(
      Promise.resolve(pinged),
    );
    expect(ping).toMatchObject({ delivered: true, status: 200 });
    const [message] = receiver.received;
    const verified = new Webhook(created.secret ?? '').verify(
      message?.body ?? '',
      message?.headers as Record<string, string>,
    );
    expect(verified).toMatchObject({ type: 'webhook-ping', data: { webhookId: created.id } });
  });

  it('pages the delivery log with a cursor', async () => {
    const created = await subscribe();
    for (let index = 0; index < 3; index++) await makeEvent();
    const all = await settled(created.id, 3);
    const first = await json<{ deliveries: Delivery[]; nextCursor: string | null }>(
      harness.request('GET', `/v1/webhooks/${created.id}/deliveries?limit=2`),
    );
    expect(first.deliveries.map((delivery) => delivery.id)).toEqual(
      all.slice(0, 2).map((delivery) => delivery.id),
    );
    const second = await json<{ deliveries: Delivery[]; nextCursor: string | null }>(
      harness.request('GET', `/v1/webhooks/${created.id}/deliveries?limit=2&cursor=${first.nextCursor}`),
    );
    expect(second).toEqual({ deliveries: [all[2]], nextCursor: null });
  });
});

describe.each(testDialects)('webhook egress on %s', (dialect) => {
  let harness: HttpHarness;
  beforeAll(async () => {
    harness = await createHttpHarness(dialect);
  }, 60_000);
  afterAll(() => harness.close());

  it('refuses private and loopback addresses unless webhooks.allowPrivate is set', async () => {
    for (const url of [
      'http://127.0.0.1:9/hooks',
      'http://localhost/hooks',
      'http://[::1]/x',
      'http://10.1.2.3/x',
    ]) {
      const response = await harness.request('POST', '/v1/webhooks', { body: { url, eventTypes: ['*'] } });
      expect(response.status, url).toBe(400);
      const body = (await response.json()) as ErrorBody;
      expect(body.error.details?.fields?.[0]?.path).toBe('url');
    }
  });
});
