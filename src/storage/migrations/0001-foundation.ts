import { sql } from 'kysely';
import type { Migration } from '../migrator.js';

/** Tenancy, identity, agents, chats, runs, events, audit, usage and the task engine core. */
export const foundation: Migration = {
  version: 1,
  name: 'foundation',
  async up(db, dialect) {
    const big = dialect.columnTypes.bigint;
    const key = dialect.columnTypes.autoIncrementKey;
    await db.schema
      .createTable('org')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('user_account')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('org.id'))
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addUniqueConstraint('user_account_org_email', ['org_id', 'email'])
      .execute();

    await db.schema
      .createTable('team')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('org.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addUniqueConstraint('team_org_name', ['org_id', 'name'])
      .execute();

    await db.schema
      .createTable('team_membership')
      .addColumn('team_id', 'text', (c) => c.notNull().references('team.id'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('user_account.id'))
      .addColumn('org_id', 'text', (c) => c.notNull().references('org.id'))
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addPrimaryKeyConstraint('team_membership_pk', ['team_id', 'user_id'])
      .execute();

    await db.schema
      .createTable('api_key')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('org.id'))
      .addColumn('user_id', 'text', (c) => c.references('user_account.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('prefix', 'text', (c) => c.notNull().unique())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('last_used_at', big)
      .addColumn('revoked_at', big)
      .execute();
    await db.schema.createIndex('api_key_org').on('api_key').columns(['org_id', 'created_at']).execute();

    await db.schema
      .createTable('agent')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('org.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('current_version', 'integer', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('updated_at', big, (c) => c.notNull())
      .addColumn('deleted_at', big)
      .execute();
    await db.schema
      .createIndex('agent_org_name_live')
      .on('agent')
      .columns(['org_id', 'name'])
      .unique()
      .where(sql.ref('deleted_at'), 'is', null)
      .execute();
    await db.schema.createIndex('agent_org_id').on('agent').columns(['org_id', 'id']).execute();

    await db.schema
      .createTable('agent_version')
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agent.id'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('instructions', 'text', (c) => c.notNull())
      .addColumn('model', 'text')
      .addColumn('tools', 'text', (c) => c.notNull())
      .addColumn('capabilities', 'text', (c) => c.notNull())
      .addColumn('memory_policy', 'text', (c) => c.notNull())
      .addColumn('limits', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', big, (c) => c.notNull())
      .addPrimaryKeyConstraint('agent_version_pk', ['agent_id', 'version'])
      .execute();

    await db.schema
      .createTable('conversation')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('org.id'))
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agent.id'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('summary_version', 'integer', (c) => c.notNull())
      .addColumn('message_cursor', 'integer', (c) => c.notNull())
      .addColumn('last_message_seq', 'integer', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('updated_at', big, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('conversation_org').on('conversation').columns(['org_id', 'id']).execute();

    await db.schema
      .createTable('conversation_participant')
      .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversation.id'))
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('participant_kind', 'text', (c) => c.notNull())
      .addColumn('participant_id', 'text', (c) => c.notNull())
      .addColumn('joined_at', big, (c) => c.notNull())
      .addPrimaryKeyConstraint('conversation_participant_pk', [
        'conversation_id',
        'participant_kind',
        'participant_id',
      ])
      .execute();

    await db.schema
      .createTable('message')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversation.id'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('author_kind', 'text', (c) => c.notNull())
      .addColumn('author_id', 'text')
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('parts', 'text', (c) => c.notNull())
      .addColumn('run_id', 'text')
      .addColumn('created_at', big, (c) => c.notNull())
      .addUniqueConstraint('message_conversation_seq', ['conversation_id', 'seq'])
      .execute();

    await db.schema
      .createTable('run')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversation.id'))
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agent.id'))
      .addColumn('agent_version', 'integer', (c) => c.notNull())
      .addColumn('trigger_message_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('offline', 'integer', (c) => c.notNull())
      .addColumn('step_count', 'integer', (c) => c.notNull())
      .addColumn('input_tokens', 'integer', (c) => c.notNull())
      .addColumn('output_tokens', 'integer', (c) => c.notNull())
      .addColumn('cost_usd', dialect.columnTypes.double, (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('task_id', 'text')
      .addColumn('created_by', 'text')
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('started_at', big)
      .addColumn('finished_at', big)
      .addColumn('updated_at', big, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('run_conversation')
      .on('run')
      .columns(['conversation_id', 'created_at'])
      .execute();
    await db.schema.createIndex('run_status').on('run').columns(['status']).execute();
    await db.schema.createIndex('run_task').on('run').columns(['task_id']).execute();

    await db.schema
      .createTable('run_step')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('run_id', 'text', (c) => c.notNull().references('run.id'))
      .addColumn('idx', 'integer', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('tool_call_id', 'text')
      .addColumn('tool_name', 'text')
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('completed_at', big)
      .addUniqueConstraint('run_step_run_idx', ['run_id', 'idx'])
      .execute();

    await db.schema
      .createTable('event')
      .addColumn('seq', key.type, (c) =>
        key.autoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey(),
      )
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('run_id', 'text')
      .addColumn('conversation_id', 'text')
      .addColumn('subject_id', 'text')
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('event_org_seq').on('event').columns(['org_id', 'seq']).execute();
    await db.schema.createIndex('event_run_seq').on('event').columns(['run_id', 'seq']).execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('actor_kind', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('resource_type', 'text', (c) => c.notNull())
      .addColumn('resource_id', 'text')
      .addColumn('ip', 'text')
      .addColumn('request_id', 'text')
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_log_org').on('audit_log').columns(['org_id', 'created_at']).execute();

    await db.schema
      .createTable('usage_log')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('run_id', 'text')
      .addColumn('agent_id', 'text')
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('input_tokens', 'integer', (c) => c.notNull())
      .addColumn('output_tokens', 'integer', (c) => c.notNull())
      .addColumn('cost_usd', dialect.columnTypes.double, (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('usage_log_org').on('usage_log').columns(['org_id', 'created_at']).execute();

    await db.schema
      .createTable('task')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('priority', 'integer', (c) => c.notNull())
      .addColumn('run_at', big, (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('locked_by', 'text')
      .addColumn('locked_until', big)
      .addColumn('concurrency_key', 'text')
      .addColumn('idempotency_key', 'text')
      .addColumn('parent_id', 'text')
      .addColumn('last_error', 'text')
      .addColumn('result', 'text')
      .addColumn('deadline_at', big)
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('updated_at', big, (c) => c.notNull())
      .addColumn('finished_at', big)
      .execute();
    await db.schema
      .createIndex('task_claimable')
      .on('task')
      .columns(['status', 'priority', 'run_at'])
      .execute();
    await db.schema
      .createIndex('task_concurrency')
      .on('task')
      .columns(['concurrency_key', 'status', 'id'])
      .where(sql.ref('concurrency_key'), 'is not', null)
      .execute();
    await db.schema
      .createIndex('task_idempotency')
      .on('task')
      .columns(['org_id', 'idempotency_key'])
      .unique()
      .where(sql.ref('idempotency_key'), 'is not', null)
      .execute();
    await db.schema
      .createIndex('task_running_lease')
      .on('task')
      .columns(['status', 'locked_until'])
      .execute();
  },
};
