import type { Migration } from '../migrator.js';

/**
 * Monthly budgets (`/v1/budgets`): tokens and/or cost per UTC month for the whole org
 * (`scope` = `org`) or one agent (`scope` = its id). Runs are refused before they start and
 * stopped between model steps once a budget is spent (decision 0033).
 */
export const usageBudgets: Migration = {
  version: 15,
  name: 'usage-budgets',
  async up(db, dialect) {
    const big = dialect.columnTypes.bigint;
    await db.schema
      .createTable('usage_budget')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('org.id'))
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('agent_id', 'text')
      .addColumn('max_tokens', big)
      .addColumn('max_cost_usd', dialect.columnTypes.double)
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('updated_at', big, (c) => c.notNull())
      .addUniqueConstraint('usage_budget_org_scope', ['org_id', 'scope'])
      .execute();
  },
};
