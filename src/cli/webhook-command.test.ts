import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../webhooks/test-support/receiver.js';
import { cleanEnv, freePort, runCli, type ServeProcess, startServe } from './test-support/cli-process.js';

let dataDir: string;
let env: NodeJS.ProcessEnv;
let server: ServeProcess | undefined;
let receiver: Receiver;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'colony-cli-webhook-'));
  receiver = await startReceiver();
  env = cleanEnv({
    COLONY_DATA_DIR: dataDir,
    COLONY_PORT: String(await freePort()),
    COLONY_LOG_LEVEL: 'warn',
    COLONY_WEBHOOKS_ALLOW_PRIVATE: 'true',
    COLONY_WEBHOOKS_MAX_ATTEMPTS: '1',
  });
  server = await startServe(env);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await receiver.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The delivery log read over HTTP (polling through the CLI would start a process each time). */
async function deliveries(
  webhookId: string,
  status: string,
): Promise<Array<{ id: string; lastStatus: number }>> {
  const key = readFileSync(join(dataDir, 'admin-key'), 'utf8').trim();
  const response = await fetch(`${server?.url}/v1/webhooks/${webhookId}/deliveries?status=${status}`, {
    headers: { Authorization: `Bearer ${key}` },
  });
  return ((await response.json()) as { deliveries: Array<{ id: string; lastStatus: number }> }).deliveries;
}

async function until<T>(check: () => Promise<T | undefined>): Promise<T> {
  for (let waited = 0; waited < 30_000; waited += 100) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('timed out');
}

describe('colony webhook', { timeout: 90_000 }, () => {
  it('adds, lists, shows, pages deliveries, redelivers and removes a webhook', async () => {
    const added = await runCli(['webhook', 'add', receiver.url, '--events', 'agent-created', '--json'], env);
    expect(added.code, added.stderr).toBe(0);
    const webhook = JSON.parse(added.stdout) as { id: string; secret: string };
    expect(webhook.secret).toMatch(/^whsec_/);

    receiver.respond = () => ({ status: 503, body: 'down for maintenance' });
    expect((await runCli(['agent', 'create', 'hooked'], env)).code).toBe(0);
    const failed = await until(async () => (await deliveries(webhook.id, 'failed'))[0]);
    expect(failed.lastStatus).toBe(503);

    const listed = await runCli(['webhook', 'list'], env);
    expect(listed.stdout).toMatch(/^ID\s+STATE\s+EVENTS\s+URL/);
    expect(listed.stdout).toContain(receiver.url);
    const shown = await runCli(['webhook', 'show', webhook.id], env);
    expect(shown.stdout).toContain('events:  agent-created');
    expect(shown.stdout).toContain('the receiver answered 503');

    receiver.respond = () => ({ status: 200, body: 'ok' });
    const redelivered = await runCli(['webhook', 'redeliver', webhook.id, failed.id], env);
    expect(redelivered.code, redelivered.stderr).toBe(0);
    expect(redelivered.stdout).toContain(`delivery ${failed.id} queued again (attempt 2)`);
    await until(async () => ((await deliveries(webhook.id, 'delivered')).length === 1 ? true : undefined));
    const page = await runCli(['webhook', 'deliveries', webhook.id], env);
    expect(page.stdout).toMatch(/^DELIVERY\s+EVENT\s+STATUS\s+ATTEMPTS\s+HTTP\s+NOTE/);
    expect(page.stdout).toContain(`${failed.id}  agent-created  delivered  2`);
    const last = receiver.received.at(-1);
    expect(last?.headers['webhook-id']).toBe(failed.id);
    expect(
      new Webhook(webhook.secret).verify(last?.body ?? '', last?.headers as Record<string, string>),
    ).toMatchObject({ type: 'agent-created' });

    const removed = await runCli(['webhook', 'remove', webhook.id], env);
    expect(removed.stdout).toContain(`webhook ${webhook.id} removed`);
    expect((await runCli(['webhook', 'list'], env)).stdout).toContain('no webhooks');
  });

  it('refuses an unknown event type, naming it', async () => {
    const refused = await runCli(['webhook', 'add', receiver.url, '--events', 'agent-exploded'], env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('eventTypes');
  });
});
