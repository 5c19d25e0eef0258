export { type Colony, createColony } from './create-colony.js';
export { migrateDatabase } from './migrate-database.js';
export { type RunningServer, startServer } from './serve.js';
