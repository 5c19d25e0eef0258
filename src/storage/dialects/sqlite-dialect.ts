import type { Dialect } from './dialect.js';
import { sqliteMemoryIndex } from './sqlite-memory.js';
import { sqliteTableCopy } from './sqlite-table-copy.js';
import { createSqliteTaskStore } from './sqlite-tasks.js';

/** SQLite: one writer at a time, so the event sequence and migrations need no lock of their own. */
export const sqliteDialect: Dialect = {
  name: 'sqlite',
  columnTypes: {
    bigint: 'integer',
    double: 'real',
    blob: 'blob',
    autoIncrementKey: { type: 'integer', autoIncrement: true },
  },
  tableCopy: sqliteTableCopy,
  memoryIndex: sqliteMemoryIndex,
  createTaskStore: createSqliteTaskStore,
  async lockEventSequence() {},
  async withMigrationLock(database, fn) {
    // The driver begins transactions with BEGIN IMMEDIATE: the write lock is taken up front,
    // so two processes cannot migrate at once.
    return database.transaction().execute(fn);
  },
};
