import type { Migration } from '../migrator.js';

/**
 * The first response of each creating request sent with an `Idempotency-Key` (docs/API.md), kept
 * for a day, so a client's retry gets that response instead of a second creation.
 */
export const idempotency: Migration = {
  version: 6,
  name: 'idempotency',
  async up(db, dialect) {
    const big = dialect.columnTypes.bigint;
    await db.schema
      .createTable('idempotency_record')
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('route', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('expires_at', big, (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotency_record_pk', ['org_id', 'actor_id', 'route', 'key'])
      .execute();
    await db.schema
      .createIndex('idempotency_record_expiry')
      .on('idempotency_record')
      .columns(['expires_at'])
      .execute();
  },
};
