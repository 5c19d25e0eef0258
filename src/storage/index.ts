export { type Database, type Executor, type OpenDatabaseOptions, openDatabase } from './database.js';
export { type DatabaseOutage, databaseOutageOf, databaseUnavailable } from './database-errors.js';
export type { ColumnTypes, Dialect, DialectName, MigrationDialect } from './dialects/dialect.js';
export {
  type ClaimRequest,
  type SucceededTask,
  type TaskCycleResult,
  type TaskLease,
  type TaskStore,
  taskStore,
} from './dialects/dialect-tasks.js';
export type { LexicalDocument, LexicalSearch, MemoryLexicalIndex } from './dialects/lexical-memory.js';
export type { CopyProgress, TableCopy, TableRow } from './dialects/table-copy.js';
export { parseJson, toJson } from './json.js';
export {
  type MigrateOptions,
  type Migration,
  type MigrationStatus,
  migrate,
  migrationStatus,
} from './migrator.js';
export {
  createOutageBackoff,
  type OutageBackoff,
  type OutageBackoffOptions,
  type OutageLogger,
} from './outage.js';
export { type PreparedQuery, prepareInsert, preparePerShape, prepareQuery } from './prepared.js';
export type { NewRow, Row, Schema } from './schema.js';
export type { AgentHandoffTable, AgentMessageTable } from './schema-collaboration.js';
export type { IdempotencyRecordTable } from './schema-idempotency.js';
