import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type Context, inUnitOfWork, requireRole } from '../context/index.js';
import { ColonyError, fromZodError, invalidInput, notFound } from '../errors/index.js';
import { recordAudit } from '../identity/index.js';
import { parseJson, type Row, type Schema, toJson } from '../storage/index.js';
import { checkWebhookUrl, type WebhookConfig } from './webhook-egress.js';
import {
  type CreateWebhookInput,
  createWebhookInput,
  type UpdateWebhookInput,
  updateWebhookInput,
} from './webhook-schema.js';

/** Use cases of webhooks read the configuration (egress rules) from their services. */
export type WebhookContext = Context<{ config: WebhookConfig }>;

export interface Webhook {
  id: string;
  orgId: string;
  url: string;
  description: string;
  eventTypes: string[];
  enabled: boolean;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

/** A webhook with its signing secret: returned only by create and rotate-secret. */
export type WebhookWithSecret = Webhook & { secret: string };

export function toWebhook(row: Row<'webhook_subscription'>): Webhook {
  return {
    id: row.id,
    orgId: row.org_id,
    url: row.url,
    description: row.description,
    eventTypes: parseJson<string[]>(row.event_types, []),
    enabled: Boolean(row.enabled),
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** A Standard Webhooks secret: `whsec_` and the base64 of 24 random bytes. */
function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export async function loadWebhookRow(
  executor: Kysely<Schema>,
  orgId: string,
  id: string,
): Promise<Row<'webhook_subscription'>> {
  const row = await executor
    .selectFrom('webhook_subscription')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('webhook', id);
  return row;
}

async function checkUrlInput(context: WebhookContext, url: string): Promise<void> {
  try {
    await checkWebhookUrl(url, context.services.config, context.signal);
  } catch (error) {
    if (error instanceof ColonyError && error.code === 'forbidden') {
      throw invalidInput('url', error.message.replace(/^http_request: /, ''));
    }
    throw error;
  }
}

async function latestSeq(executor: Kysely<Schema>): Promise<number> {
  const row = await executor
    .selectFrom('event')
    .select((builder) => builder.fn.max('seq').as('seq'))
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}

/**
 * Subscribes a URL to event types of the caller's org (admin). Events committed from now on are
 * delivered to it, signed with the returned secret (Standard Webhooks); the secret is shown only
 * here and by `rotateWebhookSecret`.
 *
 * @example createWebhook(context, { url: 'https://example.com/hooks', eventTypes: ['run-succeeded'] })
 */
export async function createWebhook(
  context: WebhookContext,
  input: CreateWebhookInput,
): Promise<WebhookWithSecret> {
  requireRole(context.actor, 'admin');
  const parsed = createWebhookInput.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  const data = parsed.data;
  await checkUrlInput(context, data.url);
  const { services, actor } = context;
  return inUnitOfWork(context, async ({ transaction }) => {
    const id = services.ids.next('whk');
    const now = services.clock.now();
    const secret = newSecret();
    const row = {
      id,
      org_id: actor.orgId,
      url: data.url,
      description: data.description,
      event_types: toJson([...new Set(data.eventTypes)]),
      secret,
      enabled: data.enabled ? 1 : 0,
      start_seq: await latestSeq(transaction),
      created_by: actor.id,
      created_at: now,
      updated_at: now,
    };
    await transaction.insertInto('webhook_subscription').values(row).execute();
    await recordAudit(transaction, services, actor, {
      action: 'webhook.create',
      resourceType: 'webhook',
      resourceId: id,
      details: { url: data.url },
    });
    return { ...toWebhook(row), secret };
  });
}

export async function listWebhooks(context: WebhookContext): Promise<Webhook[]> {
  requireRole(context.actor, 'viewer');
  const rows = await context.services.database.db
    .selectFrom('webhook_subscription')
    .selectAll()
    .where('org_id', '=', context.actor.orgId)
    .orderBy('id')
    .limit(1000)
    .execute();
  return rows.map(toWebhook);
}

export async function getWebhook(context: WebhookContext, id: string): Promise<Webhook> {
  requireRole(context.actor, 'viewer');
  return toWebhook(await loadWebhookRow(context.services.database.db, context.actor.orgId, id));
}

/** Changes a webhook (admin); `enabled: false` stops new deliveries to it. */
export async function updateWebhook(
  context: WebhookContext,
  id: string,
  input: UpdateWebhookInput,
): Promise<Webhook> {
  requireRole(context.actor, 'admin');
  const parsed = updateWebhookInput.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  const change = parsed.data;
  if (change.url !== undefined) await checkUrlInput(context, change.url);
  const { services, actor } = context;
  return inUnitOfWork(context, async ({ transaction }) => {
    const current = await loadWebhookRow(transaction, actor.orgId, id);
    const next = {
      ...current,
      url: change.url ?? current.url,
      description: change.description ?? current.description,
      event_types: change.eventTypes ? toJson([...new Set(change.eventTypes)]) : current.event_types,
      enabled: change.enabled === undefined ? current.enabled : change.enabled ? 1 : 0,
      // Re-enabled: events from now on, not those it missed while disabled.
      start_seq:
        change.enabled === true && !current.enabled ? await latestSeq(transaction) : current.start_seq,
      updated_at: services.clock.now(),
    };
    await transaction
      .updateTable('webhook_subscription')
      .set({
        url: next.url,
        description: next.description,
        event_types: next.event_types,
        enabled: next.enabled,
        start_seq: next.start_seq,
        updated_at: next.updated_at,
      })
      .where('id', '=', current.id)
      .execute();
    await recordAudit(transaction, services, actor, {
      action: 'webhook.update',
      resourceType: 'webhook',
      resourceId: current.id,
    });
    return toWebhook(next);
  });
}

/** Deletes a webhook and its delivery log (admin); deliveries still queued are dropped. */
export async function deleteWebhook(context: WebhookContext, id: string): Promise<Webhook> {
  requireRole(context.actor, 'admin');
  const { services, actor } = context;
  return inUnitOfWork(context, async ({ transaction }) => {
    const current = await loadWebhookRow(transaction, actor.orgId, id);
    await transaction.deleteFrom('webhook_delivery').where('subscription_id', '=', current.id).execute();
    await transaction.deleteFrom('webhook_subscription').where('id', '=', current.id).execute();
    await recordAudit(transaction, services, actor, {
      action: 'webhook.delete',
      resourceType: 'webhook',
      resourceId: current.id,
    });
    return toWebhook(current);
  });
}

/** Replaces the signing secret (admin); messages sent from now on are signed with the new one. */
export async function rotateWebhookSecret(context: WebhookContext, id: string): Promise<WebhookWithSecret> {
  requireRole(context.actor, 'admin');
  const { services, actor } = context;
  return inUnitOfWork(context, async ({ transaction }) => {
    const current = await loadWebhookRow(transaction, actor.orgId, id);
    const secret = newSecret();
    const updatedAt = services.clock.now();
    await transaction
      .updateTable('webhook_subscription')
      .set({ secret, updated_at: updatedAt })
      .where('id', '=', current.id)
      .execute();
    await recordAudit(transaction, services, actor, {
      action: 'webhook.rotate-secret',
      resourceType: 'webhook',
      resourceId: current.id,
    });
    return { ...toWebhook({ ...current, updated_at: updatedAt }), secret };
  });
}
