import type { Migration } from '../migrator.js';

/**
 * User schedules (`/v1/schedules`): what to run (an agent prompt, a mission) on a cron pattern or
 * a fixed interval. Each is fired through a `scheduled_job` row of the task engine's scheduler,
 * which learns fixed intervals here (`interval_ms`, with `cron` left empty).
 */
export const schedules: Migration = {
  version: 10,
  name: 'schedules',
  async up(db, dialect) {
    const big = dialect.columnTypes.bigint;
    await db.schema.alterTable('scheduled_job').addColumn('interval_ms', big).execute();
    await db.schema
      .createTable('schedule')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('org.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('cron', 'text')
      .addColumn('interval_ms', big)
      .addColumn('timezone', 'text')
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('job_id', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('updated_at', big, (c) => c.notNull())
      .addUniqueConstraint('schedule_org_name', ['org_id', 'name'])
      .execute();
  },
};
