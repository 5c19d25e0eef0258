import type { Migration } from '../migrator.js';

/**
 * Declarative workflows (`/v1/workflows`, issue 16): a named workflow with one immutable row per
 * applied version, runs (each driven by one `workflow-run` task) and the state of every step a run
 * reached, which is also the run's memo: a completed step is never executed again.
 */
export const workflows: Migration = {
  version: 14,
  name: 'workflows',
  async up(db, dialect) {
    const big = dialect.columnTypes.bigint;
    await db.schema
      .createTable('workflow')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('org.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('latest_version', 'integer', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('updated_at', big, (c) => c.notNull())
      .addUniqueConstraint('workflow_org_name', ['org_id', 'name'])
      .execute();
    await db.schema
      .createTable('workflow_version')
      .addColumn('workflow_id', 'text', (c) => c.notNull().references('workflow.id').onDelete('cascade'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addPrimaryKeyConstraint('workflow_version_pk', ['workflow_id', 'version'])
      .execute();
    await db.schema
      .createTable('workflow_run')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('org.id'))
      .addColumn('workflow_id', 'text', (c) => c.notNull())
      .addColumn('workflow_name', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('input', 'text', (c) => c.notNull())
      .addColumn('output', 'text')
      .addColumn('error', 'text')
      .addColumn('task_id', 'text', (c) => c.notNull())
      .addColumn('parent_run_id', 'text')
      .addColumn('parent_step_key', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('updated_at', big, (c) => c.notNull())
      .addColumn('finished_at', big)
      .execute();
    await db.schema
      .createIndex('workflow_run_org_created')
      .on('workflow_run')
      .columns(['org_id', 'created_at'])
      .execute();
    await db.schema.createIndex('workflow_run_task').on('workflow_run').column('task_id').execute();
    await db.schema
      .createTable('workflow_step')
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('step_key', 'text', (c) => c.notNull())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('step_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('output', 'text')
      .addColumn('error', 'text')
      .addColumn('wake_at', big)
      .addColumn('started_at', big, (c) => c.notNull())
      .addColumn('updated_at', big, (c) => c.notNull())
      .addColumn('finished_at', big)
      .addPrimaryKeyConstraint('workflow_step_pk', ['run_id', 'step_key'])
      .execute();
  },
};
