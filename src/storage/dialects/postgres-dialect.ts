import { sql } from 'kysely';
import type { Dialect } from './dialect.js';
import { postgresMemoryIndex } from './postgres-memory.js';
import { postgresTableCopy } from './postgres-table-copy.js';
import { createPostgresTaskStore } from './postgres-tasks.js';

const eventSequenceLock = 0x636f6c31; // "col1"
const migrationLock = 0x636f6c30; // "col0"

/** Postgres: many writers, so the event sequence and migrations take advisory locks. */
export const postgresDialect: Dialect = {
  name: 'postgres',
  columnTypes: {
    bigint: 'bigint',
    double: 'double precision',
    blob: 'bytea',
    autoIncrementKey: { type: 'bigserial', autoIncrement: false },
  },
  tableCopy: postgresTableCopy,
  memoryIndex: postgresMemoryIndex,
  createTaskStore: createPostgresTaskStore,
  async lockEventSequence(transaction) {
    await sql`select pg_advisory_xact_lock(${eventSequenceLock})`.execute(transaction);
  },
  async withMigrationLock(database, fn) {
    return database.transaction().execute(async (transaction) => {
      // Migrations may build indexes over big tables, and wait for another process's migrations.
      await sql`set local statement_timeout = 0`.execute(transaction);
      await sql`select pg_advisory_xact_lock(${migrationLock})`.execute(transaction);
      return fn(transaction);
    });
  },
};
