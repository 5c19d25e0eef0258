import type { Kysely } from 'kysely';
import { coerceError } from '../errors/index.js';
import { parseJson, type Schema } from '../storage/index.js';
import { type DeliveryAttempt, enqueueAttempts, type WebhookServices } from './delivery-attempts.js';

/** Reads the event log after its cursor and turns matching events into queued deliveries. */
export interface WebhookDispatcher {
  start(): void;
  stop(): Promise<void>;
  /** One pass now; resolves with the number of deliveries it queued. */
  dispatch(): Promise<number>;
}

const batchSize = 500;

class CursorMoved extends Error {}

interface Subscription {
  id: string;
  orgId: string;
  all: boolean;
  types: Set<string>;
  startSeq: number;
}

async function enabledSubscriptions(executor: Kysely<Schema>): Promise<Subscription[]> {
  const rows = await executor
    .selectFrom('webhook_subscription')
    .select(['id', 'org_id', 'event_types', 'start_seq'])
    .where('enabled', '=', 1)
    .execute();
  return rows.map((row) => {
    const types = parseJson<string[]>(row.event_types, []);
    return {
      id: row.id,
      orgId: row.org_id,
      all: types.includes('*'),
      types: new Set(types),
      startSeq: Number(row.start_seq),
    };
  });
}

async function hasWork(executor: Kysely<Schema>): Promise<boolean> {
  const row = await executor
    .selectFrom('webhook_subscription')
    .select((builder) => builder.fn.min('start_seq').as('seq'))
    .where('enabled', '=', 1)
    .executeTakeFirst();
  if (row?.seq === null || row?.seq === undefined) return false;
  const cursor = await executor
    .selectFrom('webhook_cursor')
    .select('seq')
    .where('name', '=', 'events')
    .executeTakeFirstOrThrow();
  const newer = await executor
    .selectFrom('event')
    .select('seq')
    .where('seq', '>', Math.max(Number(cursor.seq), Number(row.seq)))
    .limit(1)
    .executeTakeFirst();
  return newer !== undefined;
}

/**
 * One pass, in one transaction: the events after the cursor (at most `batchSize`) become
 * delivery rows and their first attempts' tasks, and the cursor moves past them — or nothing
 * happens. The cursor moves by compare-and-set, so of two dispatchers (two processes) reading
 * the same events only one commits; the unique (subscription, event) pair backs that up.
 * Events are committed in `seq` order (decision 0003), so none can appear behind the cursor.
 */
async function dispatchBatch(services: WebhookServices): Promise<{ queued: number; more: boolean }> {
  // Without work (no subscription, or no new event for one), no write transaction is taken.
  if (!(await hasWork(services.database.db))) return { queued: 0, more: false };
  return services.database.transaction(async (transaction) => {
    const cursorRow = await transaction
      .selectFrom('webhook_cursor')
      .select('seq')
      .where('name', '=', 'events')
      .executeTakeFirstOrThrow();
    const cursor = Number(cursorRow.seq);
    // The head first: every event up to it is committed and visible (decision 0003).
    const headRow = await transaction
      .selectFrom('event')
      .select((builder) => builder.fn.max('seq').as('seq'))
      .executeTakeFirst();
    const head = Number(headRow?.seq ?? 0);
    if (head <= cursor) return { queued: 0, more: false };
    const subscriptions = await enabledSubscriptions(transaction);
    const from = Math.max(cursor, Math.min(head, ...subscriptions.map((entry) => entry.startSeq)));
    const events =
      subscriptions.length === 0 || from >= head
        ? []
        : await transaction
            .selectFrom('event')
            .select(['id', 'seq', 'org_id', 'type'])
            .where('seq', '>', from)
            .where('seq', '<=', head)
            .where('org_id', 'in', [...new Set(subscriptions.map((entry) => entry.orgId))])
            .orderBy('seq')
            .limit(batchSize)
            .execute();
    const full = events.length === batchSize;
    const upTo = full ? Number(events.at(-1)?.seq ?? head) : head;
    const now = services.clock.now();
    const rows = [];
    const attempts: Array<DeliveryAttempt & { orgId: string }> = [];
    const { maxAttempts } = services.config.webhooks;
    for (const event of events) {
      const seq = Number(event.seq);
      for (const subscription of subscriptions) {
        if (subscription.orgId !== event.org_id || seq <= subscription.startSeq) continue;
        if (!subscription.all && !subscription.types.has(event.type)) continue;
        const id = services.ids.next('whd');
        rows.push({
          id,
          org_id: event.org_id,
          subscription_id: subscription.id,
          event_id: event.id,
          event_type: event.type,
          event_seq: seq,
          status: 'pending',
          attempts: 0,
          last_status: null,
          last_error: null,
          response_excerpt: null,
          next_attempt_at: now,
          delivered_at: null,
          created_at: now,
          updated_at: now,
        });
        attempts.push({ orgId: event.org_id, deliveryId: id, attempt: 1, lastAttempt: maxAttempts });
      }
    }
    const moved = await transaction
      .updateTable('webhook_cursor')
      .set({ seq: upTo })
      .where('name', '=', 'events')
      .where('seq', '=', cursor)
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) === 0) throw new CursorMoved('another dispatcher moved the cursor');
    for (let start = 0; start < rows.length; start += 100) {
      await transaction
        .insertInto('webhook_delivery')
        .values(rows.slice(start, start + 100))
        .execute();
    }
    if (attempts.length > 0) await enqueueAttempts(services, transaction, attempts);
    return { queued: rows.length, more: full };
  });
}

/**
 * The durable dispatcher (decision 0029): wakes on every event committed in this process and
 * polls every `webhooks.pollIntervalMs` for those of other processes. It runs in every process
 * with workers; passes never overlap within a process, and across processes the cursor's
 * compare-and-set lets one win.
 */
export function createWebhookDispatcher(
  services: WebhookServices,
  options: { wake: () => void },
): WebhookDispatcher {
  let running: Promise<number> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | null = null;
  let unsubscribe: (() => void) | null = null;
  let stopped = true;

  async function passes(): Promise<number> {
    let queued = 0;
    for (;;) {
      again = false;
      try {
        const result = await dispatchBatch(services);
        queued += result.queued;
        if (result.queued > 0) options.wake();
        if (result.more) again = true;
      } catch (error) {
        if (!(error instanceof CursorMoved)) {
          services.logger.warn(
            { err: coerceError(error) },
            'webhook dispatch failed; retrying at the next poll',
          );
          return queued;
        }
        again = true;
      }
      if (!again || stopped) return queued;
    }
  }

  function dispatch(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = passes().finally(() => {
      running = null;
    });
    return running;
  }

  function poll(): void {
    timer = setTimeout(() => {
      void dispatch().finally(() => {
        if (!stopped) poll();
      });
    }, services.config.webhooks.pollIntervalMs);
    timer.unref();
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      unsubscribe = services.bus.onStored(() => {
        void dispatch();
      });
      void dispatch();
      poll();
    },
    async stop() {
      stopped = true;
      unsubscribe?.();
      if (timer) clearTimeout(timer);
      await running;
    },
    dispatch,
  };
}
