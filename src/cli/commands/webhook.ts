import { type Command, InvalidArgumentError } from 'commander';
import type { Webhook, WebhookDelivery, WebhookWithSecret } from '../../client/index.js';
import type { CliContext } from '../cli-context.js';
import { brief, createOutput, formatTable, formatTime } from '../output.js';
import { globalsOf, resolveClient } from '../settings.js';

/** `run-succeeded,mission-failed` → a list; `*` stays `*`. */
function eventList(value: string): string[] {
  const types = value
    .split(',')
    .map((type) => type.trim())
    .filter(Boolean);
  if (types.length === 0) throw new InvalidArgumentError('event types, comma-separated, or "*"');
  return types;
}

function limitOption(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
    throw new InvalidArgumentError('an integer from 1 to 200');
  }
  return limit;
}

function secretLines(webhook: WebhookWithSecret): string {
  return [
    `signing secret: ${webhook.secret}`,
    'it is shown only now: receivers verify webhook-signature with it (Standard Webhooks)',
  ].join('\n');
}

function describeWebhook(webhook: Webhook): string {
  return [
    `webhook ${webhook.id}: ${webhook.enabled ? 'enabled' : 'disabled'}`,
    `url:     ${webhook.url}`,
    `events:  ${webhook.eventTypes.join(', ')}`,
    ...(webhook.description ? [`about:   ${webhook.description}`] : []),
    `created: ${formatTime(webhook.createdAt)}`,
  ].join('\n');
}

function deliveryRows(deliveries: readonly WebhookDelivery[]): string[][] {
  return deliveries.map((delivery) => [
    delivery.id,
    delivery.eventType,
    delivery.status,
    String(delivery.attempts),
    delivery.lastStatus === null ? '-' : String(delivery.lastStatus),
    delivery.status === 'pending'
      ? `next ${formatTime(delivery.nextAttemptAt)}`
      : brief(delivery.lastError ?? '', 60),
  ]);
}

export function registerWebhookCommand(program: Command, cli: CliContext): void {
  const webhook = program
    .command('webhook')
    .description('send the org’s events to a URL, signed per Standard Webhooks (over HTTP)');
  const client = (command: Command) => resolveClient(globalsOf(command), cli.io, cli.hints);
  const output = (command: Command) => createOutput(cli.io, globalsOf(command).json === true);

  webhook
    .command('add')
    .description('subscribe a URL to event types (admin); prints the signing secret once')
    .argument('<url>', 'where deliveries are POSTed (http or https)')
    .requiredOption(
      '--events <types>',
      'event types, comma-separated (run-succeeded,mission-failed) or "*"',
      eventList,
    )
    .option('--description <text>', 'what it is for')
    .option('--disabled', 'create it disabled')
    .action(
      async (
        url: string,
        options: { events: string[]; description?: string; disabled?: boolean },
        command,
      ) => {
        const created = await client(command).webhooks.create({
          url,
          eventTypes: options.events,
          ...(options.description ? { description: options.description } : {}),
          enabled: options.disabled !== true,
        });
        output(command).result(created, () => `${describeWebhook(created)}\n${secretLines(created)}`);
      },
    );

  webhook
    .command('list')
    .description('list the org’s webhooks')
    .action(async (_options: unknown, command: Command) => {
      const { webhooks } = await client(command).webhooks.list();
      output(command).result({ webhooks }, () =>
        webhooks.length === 0
          ? 'no webhooks'
          : formatTable(
              ['id', 'state', 'events', 'url'],
              webhooks.map((item) => [
                item.id,
                item.enabled ? 'enabled' : 'disabled',
                brief(item.eventTypes.join(','), 40),
                item.url,
              ]),
            ),
      );
    });

  webhook
    .command('show')
    .description('a webhook and its latest deliveries')
    .argument('<id>', 'webhook id')
    .action(async (id: string, _options: unknown, command: Command) => {
      const api = client(command).webhooks;
      const [found, page] = await Promise.all([api.get(id), api.deliveries(id, { limit: 10 })]);
      output(command).result({ ...found, deliveries: page.deliveries }, () =>
        [
          describeWebhook(found),
          '',
          formatTable(
            ['delivery', 'event', 'status', 'attempts', 'http', 'note'],
            deliveryRows(page.deliveries),
          ),
        ].join('\n'),
      );
    });

  webhook
    .command('remove')
    .description('delete a webhook and its delivery log (admin)')
    .argument('<id>', 'webhook id')
    .action(async (id: string, _options: unknown, command: Command) => {
      const removed = await client(command).webhooks.delete(id);
      output(command).result(removed, () => `webhook ${removed.id} removed`);
    });

  webhook
    .command('deliveries')
    .description('the delivery log of a webhook, newest first')
    .argument('<id>', 'webhook id')
    .option('--status <status>', 'only pending, delivered or failed')
    .option('--limit <n>', 'at most this many (1–200, default 50)', limitOption)
    .option('--cursor <id>', 'after this delivery (the nextCursor of the previous page)')
    .action(
      async (id: string, options: { status?: string; limit?: number; cursor?: string }, command: Command) => {
        if (options.status !== undefined && !['pending', 'delivered', 'failed'].includes(options.status)) {
          throw new InvalidArgumentError('--status is pending, delivered or failed');
        }
        const page = await client(command).webhooks.deliveries(id, {
          ...(options.status ? { status: options.status as WebhookDelivery['status'] } : {}),
          ...(options.limit ? { limit: options.limit } : {}),
          ...(options.cursor ? { cursor: options.cursor } : {}),
        });
        output(command).result(page, () =>
          [
            formatTable(
              ['delivery', 'event', 'status', 'attempts', 'http', 'note'],
              deliveryRows(page.deliveries),
            ),
            ...(page.nextCursor ? [`more: --cursor ${page.nextCursor}`] : []),
          ].join('\n'),
        );
      },
    );

  webhook
    .command('redeliver')
    .description('send a delivered or failed delivery again, same webhook-id (member)')
    .argument('<id>', 'webhook id')
    .argument('<delivery>', 'delivery id')
    .action(async (id: string, deliveryId: string, _options: unknown, command: Command) => {
      const queued = await client(command).webhooks.redeliver(id, deliveryId);
      output(command).result(
        queued,
        () => `delivery ${queued.id} queued again (attempt ${queued.attempts + 1})`,
      );
    });

  webhook
    .command('ping')
    .description('send a signed test message now and show the answer (member)')
    .argument('<id>', 'webhook id')
    .action(async (id: string, _options: unknown, command: Command) => {
      const ping = await client(command).webhooks.ping(id);
      output(command).result(ping, () =>
        ping.delivered
          ? `delivered: ${ping.status} in ${Math.round(ping.durationMs)} ms`
          : `not delivered: ${ping.error ?? 'no answer'}`,
      );
    });

  webhook
    .command('rotate-secret')
    .description('replace the signing secret (admin); prints the new one once')
    .argument('<id>', 'webhook id')
    .action(async (id: string, _options: unknown, command: Command) => {
      const rotated = await client(command).webhooks.rotateSecret(id);
      output(command).result(rotated, () => secretLines(rotated));
    });
}
