export { adminKeyFile, type Colony, type CreateColonyOptions, createColony } from './create-colony.js';
export { type MigrationReport, migrateDatabase } from './migrate-database.js';
export { type RunningServer, startServer } from './serve.js';
