export { type Database, type Executor, type OpenDatabaseOptions, openDatabase } from './database.js';
export type { Dialect, DialectName } from './dialects/dialect.js';
export {
  type ClaimRequest,
  type SucceededTask,
  type TaskCycleResult,
  type TaskLease,
  type TaskStore,
  taskStore,
} from './dialects/dialect-tasks.js';
export { parseJson, toJson } from './json.js';
export { type Migration, type MigrationStatus, migrate, migrationStatus } from './migrator.js';
export { type PreparedQuery, prepareInsert, preparePerShape, prepareQuery } from './prepared.js';
export type { NewRow, Row, Schema } from './schema.js';
export type { AgentHandoffTable, AgentMessageTable } from './schema-collaboration.js';
export type { IdempotencyRecordTable } from './schema-idempotency.js';
