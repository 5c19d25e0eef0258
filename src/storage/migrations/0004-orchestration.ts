import type { Migration } from '../migrator.js';

/**
 * Missions (goal → plan → tasks → report), their tasks, handoff notes and human checkpoints, the
 * expert gate's decision log and the per-agent outcome counters it reads (see docs/missions.md).
 */
export const orchestration: Migration = {
  version: 4,
  name: 'orchestration',
  async up(db, dialect) {
    const big = dialect.columnTypes.bigint;
    await db.schema
      .createTable('mission')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('goal', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('generation', 'integer', (c) => c.notNull())
      .addColumn('plan', 'text', (c) => c.notNull())
      .addColumn('options', 'text', (c) => c.notNull())
      .addColumn('budget', 'text', (c) => c.notNull())
      .addColumn('report', 'text')
      .addColumn('error', 'text')
      .addColumn('replans', 'integer', (c) => c.notNull())
      .addColumn('input_tokens', big, (c) => c.notNull())
      .addColumn('output_tokens', big, (c) => c.notNull())
      .addColumn('cost_usd', dialect.columnTypes.double, (c) => c.notNull())
      .addColumn('task_id', 'text', (c) => c.notNull())
      .addColumn('deadline_at', big)
      .addColumn('created_by', 'text')
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('updated_at', big, (c) => c.notNull())
      .addColumn('finished_at', big)
      .execute();
    await db.schema.createIndex('mission_org').on('mission').columns(['org_id', 'id']).execute();
    await db.schema.createIndex('mission_state').on('mission').columns(['org_id', 'state']).execute();

    await db.schema
      .createTable('mission_task')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('mission_id', 'text', (c) => c.notNull().references('mission.id'))
      .addColumn('generation', 'integer', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('capability', 'text', (c) => c.notNull())
      .addColumn('depends_on', 'text', (c) => c.notNull())
      .addColumn('acceptance', 'text', (c) => c.notNull())
      .addColumn('k', 'integer', (c) => c.notNull())
      .addColumn('assignees', 'text', (c) => c.notNull())
      .addColumn('routing_decision_id', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('result', 'text')
      .addColumn('votes', 'text')
      .addColumn('violations', 'text', (c) => c.notNull())
      .addColumn('run_ids', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('input_tokens', big, (c) => c.notNull())
      .addColumn('output_tokens', big, (c) => c.notNull())
      .addColumn('cost_usd', dialect.columnTypes.double, (c) => c.notNull())
      .addColumn('task_id', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('started_at', big)
      .addColumn('finished_at', big)
      .addColumn('updated_at', big, (c) => c.notNull())
      .addUniqueConstraint('mission_task_key', ['mission_id', 'generation', 'key'])
      .execute();

    await db.schema
      .createTable('mission_handoff')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('mission_id', 'text', (c) => c.notNull())
      .addColumn('from_task_id', 'text', (c) => c.notNull())
      .addColumn('to_task_id', 'text', (c) => c.notNull())
      .addColumn('from_agent_id', 'text')
      .addColumn('to_agent_id', 'text')
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('decisions', 'text', (c) => c.notNull())
      .addColumn('next_steps', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addUniqueConstraint('mission_handoff_edge', ['from_task_id', 'to_task_id'])
      .execute();
    await db.schema
      .createIndex('mission_handoff_mission')
      .on('mission_handoff')
      .column('mission_id')
      .execute();

    await db.schema
      .createTable('mission_checkpoint')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('mission_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('waiting_task_id', 'text', (c) => c.notNull())
      .addColumn('reached_at', big, (c) => c.notNull())
      .addColumn('decided_at', big)
      .addColumn('decided_by', 'text')
      .addUniqueConstraint('mission_checkpoint_name', ['mission_id', 'name'])
      .execute();

    await db.schema
      .createTable('routing_decision_log')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('mission_id', 'text')
      .addColumn('mission_task_id', 'text')
      .addColumn('task_ref', 'text', (c) => c.notNull())
      .addColumn('query', 'text', (c) => c.notNull())
      .addColumn('candidates', 'text', (c) => c.notNull())
      .addColumn('chosen', 'text', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('router_model', 'text')
      .addColumn('router_reason', 'text')
      .addColumn('weights', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('routing_decision_org')
      .on('routing_decision_log')
      .columns(['org_id', 'id'])
      .execute();
    await db.schema
      .createIndex('routing_decision_mission')
      .on('routing_decision_log')
      .columns(['mission_id', 'id'])
      .execute();

    await db.schema
      .createTable('agent_performance')
      .addColumn('agent_id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('successes', 'integer', (c) => c.notNull())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('updated_at', big, (c) => c.notNull())
      .execute();
  },
};
