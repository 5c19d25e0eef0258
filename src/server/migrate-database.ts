import {
  type Migration,
  type MigrationStatus,
  migrate,
  migrationStatus,
  openDatabase,
} from '../storage/index.js';

/** What `colony migrate` reports: the database, its status before, and what was applied. */
export interface MigrationReport {
  /** The dialect and where it lives, e.g. `sqlite ./.colony/colony.db`. */
  database: string;
  before: MigrationStatus;
  /** Absent when only the status was asked for. */
  applied?: { version: number; migrations: Migration[] };
}

/**
 * `colony migrate`: opens the database at `databaseUrl`, reads its schema version and, unless
 * `statusOnly`, applies the pending migrations; closes the database either way.
 */
export async function migrateDatabase(
  databaseUrl: string,
  options: { statusOnly?: boolean } = {},
): Promise<MigrationReport> {
  const database = openDatabase({ url: databaseUrl });
  try {
    const before = await migrationStatus(database);
    const where = `${database.name} ${database.location}`;
    if (options.statusOnly) return { database: where, before };
    const result = await migrate(database);
    return { database: where, before, applied: { version: result.version, migrations: result.applied } };
  } finally {
    await database.close();
  }
}
