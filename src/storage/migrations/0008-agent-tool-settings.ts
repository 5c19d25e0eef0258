import type { Migration } from '../migrator.js';

/**
 * Each agent version's named HTTP endpoints (`http_request`) and approval policies per tool, as
 * JSON (docs/tools.md). Versions written before have none.
 */
export const agentToolSettings: Migration = {
  version: 8,
  name: 'agent-tool-settings',
  async up(db) {
    await db.schema
      .alterTable('agent_version')
      .addColumn('endpoints', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema
      .alterTable('agent_version')
      .addColumn('approvals', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
  },
};
