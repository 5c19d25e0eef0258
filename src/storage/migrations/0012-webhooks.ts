import type { Migration } from '../migrator.js';

/**
 * Outbound webhooks (docs/webhooks.md): an org's subscriptions, one delivery row per event and
 * subscription (unique, so a dispatcher that runs twice enqueues once), and the dispatcher's
 * cursor in the event log (decision 0029).
 */
export const webhooks: Migration = {
  version: 12,
  name: 'webhooks',
  async up(db, dialect) {
    const big = dialect.columnTypes.bigint;
    await db.schema
      .createTable('webhook_subscription')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('org.id'))
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('event_types', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('start_seq', big, (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('updated_at', big, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('webhook_subscription_org')
      .on('webhook_subscription')
      .columns(['org_id', 'id'])
      .execute();
    await db.schema
      .createTable('webhook_delivery')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('subscription_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('event_type', 'text', (c) => c.notNull())
      .addColumn('event_seq', big, (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('last_status', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('response_excerpt', 'text')
      .addColumn('next_attempt_at', big)
      .addColumn('delivered_at', big)
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('updated_at', big, (c) => c.notNull())
      .addUniqueConstraint('webhook_delivery_event', ['subscription_id', 'event_id'])
      .execute();
    await db.schema
      .createIndex('webhook_delivery_subscription')
      .on('webhook_delivery')
      .columns(['subscription_id', 'id'])
      .execute();
    await db.schema
      .createTable('webhook_cursor')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('seq', big, (c) => c.notNull())
      .execute();
    await db.insertInto('webhook_cursor').values({ name: 'events', seq: 0 }).execute();
  },
};
