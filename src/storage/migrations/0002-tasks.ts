import { sql } from 'kysely';
import type { Migration } from '../migrator.js';

const unfinished = sql<boolean>`status in ('pending', 'ready', 'running', 'waiting')`;

/**
 * The durable task engine: fencing and dependency counters on `task`, dependencies, attempts,
 * memoized steps, the idempotent effect log, cron schedules and leader leases.
 */
export const tasks: Migration = {
  version: 2,
  name: 'tasks',
  async up(db, dialect) {
    const big = dialect.columnTypes.bigint;
    // SQLite adds one column per ALTER TABLE.
    const columns: Array<[string, 'integer' | 'bigint' | 'text', string | number | null]> = [
      ['key_seq', big, null],
      ['claim_count', 'integer', 0],
      ['started_at', big, null],
      ['timeout_ms', 'integer', null],
      ['on_dependency_failure', 'text', 'cancel'],
      ['pending_dependencies', 'integer', 0],
      ['has_dependents', 'integer', 0],
      ['wake_requested', 'integer', 0],
      ['wait_reason', 'text', null],
    ];
    for (const [name, type, fallback] of columns) {
      await db.schema
        .alterTable('task')
        .addColumn(name, type, (c) => (fallback === null ? c : c.notNull().defaultTo(fallback)))
        .execute();
    }
    await db.schema
      .createIndex('task_ready')
      .on('task')
      .columns(['priority desc', 'run_at', 'id'])
      .where(sql.ref('status'), '=', 'ready')
      .execute();
    await db.schema
      .createIndex('task_key_unfinished')
      .on('task')
      .columns(['concurrency_key', 'key_seq'])
      .where(sql<boolean>`concurrency_key is not null and ${unfinished}`)
      .execute();
    await db.schema
      .createIndex('task_key_seq')
      .on('task')
      .columns(['concurrency_key', 'key_seq'])
      .where(sql.ref('concurrency_key'), 'is not', null)
      .execute();
    await db.schema.createIndex('task_parent').on('task').column('parent_id').execute();
    await db.schema.createIndex('task_org_created').on('task').columns(['org_id', 'id']).execute();

    await db.schema
      .createTable('task_dependency')
      .addColumn('task_id', 'text', (c) => c.notNull())
      .addColumn('depends_on_id', 'text', (c) => c.notNull())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('task_dependency_pk', ['task_id', 'depends_on_id'])
      .execute();
    await db.schema.createIndex('task_dependency_on').on('task_dependency').column('depends_on_id').execute();

    await db.schema
      .createTable('task_attempt')
      .addColumn('task_id', 'text', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('claim', 'integer', (c) => c.notNull())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('worker_id', 'text')
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('started_at', big)
      .addColumn('finished_at', big, (c) => c.notNull())
      .addPrimaryKeyConstraint('task_attempt_pk', ['task_id', 'claim'])
      .execute();

    await db.schema
      .createTable('task_step')
      .addColumn('task_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('result', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addPrimaryKeyConstraint('task_step_pk', ['task_id', 'name'])
      .execute();

    await db.schema
      .createTable('task_effect')
      .addColumn('task_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addPrimaryKeyConstraint('task_effect_pk', ['task_id', 'name'])
      .execute();

    await db.schema
      .createTable('scheduled_job')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('cron', 'text', (c) => c.notNull())
      .addColumn('timezone', 'text')
      .addColumn('task_kind', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('next_run_at', big)
      .addColumn('last_run_at', big)
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('updated_at', big, (c) => c.notNull())
      .addUniqueConstraint('scheduled_job_org_name', ['org_id', 'name'])
      .execute();
    await db.schema
      .createIndex('scheduled_job_due')
      .on('scheduled_job')
      .columns(['enabled', 'next_run_at'])
      .execute();

    await db.schema
      .createTable('leader_lease')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('expires_at', big, (c) => c.notNull())
      .addColumn('updated_at', big, (c) => c.notNull())
      .execute();
  },
};
