import { sql } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * Memory time and turn order (issue 14): `occurred_at`, when what a memory describes happened
 * (distinct from `created_at`, when it was recorded; existing rows get their `created_at`), and
 * `previous_turn_id`, the episodic memory of the turn before this one in the same conversation.
 */
export const memoryTimeAndTurns: Migration = {
  version: 9,
  name: 'memory-time-and-turns',
  async up(db, dialect) {
    await db.schema.alterTable('memory').addColumn('occurred_at', dialect.columnTypes.bigint).execute();
    await db.schema.alterTable('memory').addColumn('previous_turn_id', 'text').execute();
    await sql`update memory set occurred_at = created_at`.execute(db);
    await db.schema
      .createIndex('memory_scope_occurred')
      .on('memory')
      .columns(['org_id', 'scope_kind', 'scope_id', 'occurred_at'])
      .execute();
    await db.schema.createIndex('memory_previous_turn').on('memory').columns(['previous_turn_id']).execute();
  },
};
