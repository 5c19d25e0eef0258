import type { Migration } from '../migrator.js';

/** Delegation handoffs (one per delegating tool call) and durable agent-to-agent messages. */
export const collaboration: Migration = {
  version: 5,
  name: 'collaboration',
  async up(db, dialect) {
    const big = dialect.columnTypes.bigint;
    await db.schema
      .createTable('agent_handoff')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('parent_run_id', 'text', (c) => c.notNull().references('run.id'))
      .addColumn('tool_call_id', 'text', (c) => c.notNull())
      .addColumn('from_agent_id', 'text', (c) => c.notNull())
      .addColumn('to_agent_id', 'text', (c) => c.notNull())
      .addColumn('child_run_id', 'text', (c) => c.notNull())
      .addColumn('child_chat_id', 'text', (c) => c.notNull())
      .addColumn('depth', 'integer', (c) => c.notNull())
      .addColumn('task', 'text', (c) => c.notNull())
      .addColumn('note', 'text', (c) => c.notNull())
      .addColumn('routing', 'text', (c) => c.notNull())
      .addColumn('waited', 'integer', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addUniqueConstraint('agent_handoff_call', ['parent_run_id', 'tool_call_id'])
      .execute();
    await db.schema
      .createIndex('agent_handoff_child')
      .on('agent_handoff')
      .columns(['child_run_id'])
      .execute();
    await db.schema
      .createIndex('agent_handoff_org')
      .on('agent_handoff')
      .columns(['org_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('agent_message')
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('sender_kind', 'text', (c) => c.notNull())
      .addColumn('sender_id', 'text', (c) => c.notNull())
      .addColumn('recipient_agent_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('correlation_id', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('triggered_run_id', 'text')
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('delivered_at', big)
      .addPrimaryKeyConstraint('agent_message_pk', ['org_id', 'id'])
      .execute();
    await db.schema
      .createIndex('agent_message_inbox')
      .on('agent_message')
      .columns(['recipient_agent_id', 'created_at'])
      .execute();
    await db.schema
      .createIndex('agent_message_correlation')
      .on('agent_message')
      .columns(['correlation_id'])
      .execute();
  },
};
