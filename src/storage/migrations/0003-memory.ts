import { sql } from 'kysely';
import type { DialectName } from '../dialects/dialect.js';
import type { Migration } from '../migrator.js';

/**
 * The lexical index as this migration created it, written out: SQLite a contentless FTS5 table
 * whose rowid is `memory.doc_id`, Postgres a generated tsvector column with a GIN index. The live
 * index (storage/dialects/*-memory.ts) reads and writes these; it never creates them.
 */
const lexicalIndex: Record<DialectName, readonly string[]> = {
  sqlite: [
    `create virtual table memory_fts using fts5(content, scope, tokenize = 'porter unicode61', content = '', contentless_delete = 1)`,
  ],
  postgres: [
    `alter table memory add column content_tsv tsvector generated always as (to_tsvector('english', content)) stored`,
    `create index memory_content_tsv on memory using gin (content_tsv)`,
  ],
};

/** The memory engine: memory rows, their tags, the change log and the lexical index. */
export const memory: Migration = {
  version: 3,
  name: 'memory',
  async up(db, dialect) {
    const big = dialect.columnTypes.bigint;
    await db.schema
      .createTable('memory')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('org.id'))
      .addColumn('scope_kind', 'text', (c) => c.notNull())
      .addColumn('scope_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('content_hash', 'text', (c) => c.notNull())
      .addColumn('subject', 'text')
      .addColumn('importance', dialect.columnTypes.double, (c) => c.notNull())
      .addColumn('confidence', dialect.columnTypes.double, (c) => c.notNull())
      .addColumn('embedding', dialect.columnTypes.blob)
      .addColumn('embedding_model', 'text')
      .addColumn('source_message_ids', 'text', (c) => c.notNull())
      .addColumn('run_id', 'text')
      .addColumn('valid_from', big, (c) => c.notNull())
      .addColumn('valid_to', big)
      .addColumn('superseded_by', 'text')
      .addColumn('access_count', 'integer', (c) => c.notNull())
      .addColumn('last_accessed_at', big)
      .addColumn('pinned', 'integer', (c) => c.notNull())
      .addColumn('doc_id', big, (c) => c.unique())
      .addColumn('deleted_at', big)
      .addColumn('created_by', 'text')
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('updated_at', big, (c) => c.notNull())
      .execute();
    // Scope lookups, freshness checks of the vector cache (max updated_at per scope), dedup.
    await db.schema
      .createIndex('memory_scope_updated')
      .on('memory')
      .columns(['org_id', 'scope_kind', 'scope_id', 'updated_at'])
      .execute();
    await db.schema
      .createIndex('memory_scope_hash')
      .on('memory')
      .columns(['org_id', 'scope_kind', 'scope_id', 'content_hash'])
      .execute();
    await db.schema
      .createIndex('memory_scope_subject')
      .on('memory')
      .columns(['org_id', 'scope_kind', 'scope_id', 'subject'])
      .where(sql.ref('subject'), 'is not', null)
      .execute();
    await db.schema
      .createIndex('memory_scope_pinned')
      .on('memory')
      .columns(['org_id', 'scope_kind', 'scope_id', 'pinned'])
      .where(sql.ref('pinned'), '=', 1)
      .execute();
    await db.schema.createIndex('memory_superseded_by').on('memory').columns(['superseded_by']).execute();

    await db.schema
      .createTable('memory_tag')
      .addColumn('memory_id', 'text', (c) => c.notNull().references('memory.id'))
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('tag', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('memory_tag_pk', ['memory_id', 'tag'])
      .execute();
    await db.schema.createIndex('memory_tag_org_tag').on('memory_tag').columns(['org_id', 'tag']).execute();

    await db.schema
      .createTable('memory_log')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('memory_id', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('actor_kind', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('before', 'text')
      .addColumn('after', 'text')
      .addColumn('created_at', big, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('memory_log_memory')
      .on('memory_log')
      .columns(['memory_id', 'created_at'])
      .execute();

    for (const statement of lexicalIndex[dialect.name]) await sql.raw(statement).execute(db);
  },
};
