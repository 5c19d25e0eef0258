import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createServerEnvironment,
  type ServerEnvironment,
} from '../server/test-support/server-environment.js';
import { callApi, type SpawnedServer, spawnServer, until } from '../server/test-support/spawn-server.js';
import { testDialects } from '../storage/test-support/databases.js';

const adminKey = 'colony-test-admin-key-0123456789abcdefghijklmnop';

/** A receiver that verifies every message and counts the events it got, deduplicated by webhook-id. */
async function startCountingReceiver(delayMs: number) {
  const byMessageId = new Map<string, string>();
  let requests = 0;
  let invalid = 0;
  let verifier: Webhook | undefined;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests++;
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        const message = verifier?.verify(body, request.headers as Record<string, string>) as {
          data: { payload: { name: string } };
        };
        byMessageId.set(String(request.headers['webhook-id']), message.data.payload.name);
      } catch {
        invalid++;
      }
      setTimeout(() => {
        response.writeHead(200);
        response.end('ok');
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    setSecret(secret: string) {
      verifier = new Webhook(secret);
    },
    names: () => new Set(byMessageId.values()),
    messages: () => byMessageId.size,
    requests: () => requests,
    invalid: () => invalid,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe.each(testDialects)('webhooks survive SIGKILL on %s', (dialect) => {
  let environment: ServerEnvironment;
  let server: SpawnedServer | undefined;
  let receiver: Awaited<ReturnType<typeof startCountingReceiver>>;

  afterEach(async () => {
    await server?.kill('SIGKILL');
    await receiver.close();
    await environment.cleanup();
  });

  it('delivers every event committed before and after the kill: none lost', async () => {
    receiver = await startCountingReceiver(300);
    environment = await createServerEnvironment(dialect, {
      prefix: 'colony-webhook-crash-',
      adminKey,
      env: {
        COLONY_WEBHOOKS_ALLOW_PRIVATE: 'true',
        COLONY_WEBHOOKS_RETRY_BASE_MS: '100',
        COLONY_WEBHOOKS_RETRY_MAX_MS: '500',
        COLONY_TASK_LEASE_MS: '2000',
        COLONY_WORKERS: '4',
      },
    });
    server = await spawnServer(environment.env);
    const api = <T>(method: string, path: string, body?: unknown) =>
      callApi<T>(server?.url ?? '', adminKey, method, path, body);
    const webhook = await api<{ id: string; secret: string }>('POST', '/v1/webhooks', {
      url: receiver.url,
      eventTypes: ['agent-created'],
    });
    receiver.setSecret(webhook.secret);
    const names: string[] = [];
    for (let index = 0; index < 40; index++) {
      names.push(`before-${index}`);
      await api('POST', '/v1/agents', { name: `before-${index}` });
    }
    // Kill while deliveries are in flight and others still queued.
    await until('the first deliveries', () => (receiver.requests() >= 1 ? true : undefined), 30_000);
    await server.kill('SIGKILL');
    const atKill = receiver.messages();
    expect(atKill).toBeLessThan(names.length);

    server = await spawnServer(environment.env);
    for (let index = 0; index < 20; index++) {
      names.push(`after-${index}`);
      await api('POST', '/v1/agents', { name: `after-${index}` });
    }
    await until(
      'every event delivered',
      () => (receiver.names().size >= names.length ? true : undefined),
      90_000,
    );
    expect([...receiver.names()].sort()).toEqual([...names].sort());
    expect(receiver.messages()).toBe(names.length);
    expect(receiver.invalid()).toBe(0);
    const log = await until('the delivery log to settle', async () => {
      const page = await api<{ deliveries: Array<{ status: string }> }>(
        'GET',
        `/v1/webhooks/${webhook.id}/deliveries?limit=200`,
      );
      return page.deliveries.every((delivery) => delivery.status === 'delivered')
        ? page.deliveries
        : undefined;
    });
    expect(log).toHaveLength(names.length);
    console.info(
      `${dialect}: ${atKill} of 40 events delivered at SIGKILL; ${receiver.requests()} requests for ${names.length} events after restart`,
    );
  }, 180_000);
});
