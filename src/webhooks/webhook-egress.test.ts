import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.js';
import { startReceiver } from './test-support/receiver.js';
import { postWebhook } from './webhook-egress.js';

const configWith = (webhooks: Record<string, unknown>, http: Record<string, unknown> = {}) =>
  loadConfig({ env: {}, cwd: '/nonexistent', flags: { webhooks, tools: { http } } });

const send = (url: string, config: ReturnType<typeof configWith>) =>
  postWebhook({ url, headers: {}, body: '{}' }, config, new AbortController().signal, () =>
    performance.now(),
  );

describe('webhook egress', () => {
  it('refuses a private address at delivery time unless allowed, without sending', async () => {
    const receiver = await startReceiver();
    try {
      const refused = await send(receiver.url, configWith({}));
      expect(refused).toMatchObject({ status: null, refused: true });
      expect(refused.error).toContain('private address');
      expect(receiver.received).toHaveLength(0);
      const sent = await send(receiver.url, configWith({ allowPrivate: true }));
      expect(sent).toMatchObject({ status: 200, refused: false, excerpt: 'ok' });
      expect(receiver.received).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it('follows the HTTP tool deny list, does not follow redirects, and times out', async () => {
    const receiver = await startReceiver();
    try {
      const denied = await send(receiver.url, configWith({ allowPrivate: true }, { deny: ['127.0.0.1'] }));
      expect(denied).toMatchObject({ refused: true });
      expect(denied.error).toContain('deny list');
      receiver.respond = () => ({ status: 302, body: '' });
      const redirected = await send(receiver.url, configWith({ allowPrivate: true }));
      expect(redirected).toMatchObject({ status: 302, refused: false, error: 'the receiver answered 302' });
      expect(receiver.received).toHaveLength(1);
    } finally {
      await receiver.close();
    }
    const { createServer } = await import('node:net');
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const slow = await send(
        `http://127.0.0.1:${port}/`,
        configWith({ allowPrivate: true, timeoutMs: 200 }),
      );
      expect(slow).toMatchObject({ status: null, refused: false, error: 'no answer within 200 ms' });
    } finally {
      silent.close();
    }
  });
});
