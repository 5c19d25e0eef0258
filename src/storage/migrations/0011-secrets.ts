import type { Migration } from '../migrator.js';

/**
 * Org secrets (docs/tools.md, Secrets; decision 0027): a secret's name and metadata, its
 * encrypted versions (AES-256-GCM: IV, ciphertext and tag per version, and which key sealed it),
 * and the agents and chats it is granted to.
 */
export const secrets: Migration = {
  version: 11,
  name: 'secrets',
  async up(db, dialect) {
    const big = dialect.columnTypes.bigint;
    await db.schema
      .createTable('secret')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('current_version', 'integer', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('updated_at', big, (c) => c.notNull())
      .addUniqueConstraint('secret_org_name', ['org_id', 'name'])
      .execute();
    await db.schema
      .createTable('secret_version')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('secret_id', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('iv', 'text', (c) => c.notNull())
      .addColumn('ciphertext', 'text', (c) => c.notNull())
      .addColumn('auth_tag', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', big, (c) => c.notNull())
      .addUniqueConstraint('secret_version_number', ['secret_id', 'version'])
      .execute();
    await db.schema
      .createTable('secret_grant')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('secret_id', 'text', (c) => c.notNull())
      .addColumn('subject_kind', 'text', (c) => c.notNull())
      .addColumn('subject_id', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', big, (c) => c.notNull())
      .addUniqueConstraint('secret_grant_subject', ['secret_id', 'subject_kind', 'subject_id'])
      .execute();
  },
};
