import { type Kysely, sql } from 'kysely';
import { ColonyError } from '../errors/index.js';
import type { Database } from './database.js';
import type { MigrationDialect } from './dialects/dialect.js';
import { migrations } from './migrations/index.js';
import type { Schema } from './schema.js';

/**
 * One ordered, immutable schema change. Never edit a migration that has shipped; add a new one.
 * `up` gets only facts about its dialect, never code that can change (see migrations/index.ts).
 */
export interface Migration {
  version: number;
  name: string;
  up(database: Kysely<Schema>, dialect: MigrationDialect): Promise<void>;
}

export interface MigrationStatus {
  current: number;
  latest: number;
  pending: Migration[];
}

async function ensureTable(database: Kysely<Schema>, dialect: MigrationDialect): Promise<void> {
  await database.schema
    .createTable('schema_migration')
    .ifNotExists()
    .addColumn('version', 'integer', (column) => column.primaryKey())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('applied_at', dialect.columnTypes.bigint, (column) => column.notNull())
    .execute();
}

async function currentVersion(database: Kysely<Schema>): Promise<number> {
  const row = await database
    .selectFrom('schema_migration')
    .select((builder) => builder.fn.max('version').as('version'))
    .executeTakeFirst();
  return Number(row?.version ?? 0);
}

function latestVersion(): number {
  return migrations.reduce((latest, migration) => Math.max(latest, migration.version), 0);
}

/** Reads the schema version without changing anything. */
export async function migrationStatus(database: Database): Promise<MigrationStatus> {
  const exists = await sql<{ found: number }>`select 1 as found from schema_migration limit 1`
    .execute(database.db)
    .then(() => true)
    .catch(() => false);
  const current = exists ? await currentVersion(database.db) : 0;
  return { current, latest: latestVersion(), pending: migrations.filter((m) => m.version > current) };
}

export interface MigrateOptions {
  /** Stop after this version (default: the latest). */
  to?: number;
}

/**
 * Applies every pending migration, each in the same locked transaction, and refuses to run
 * against a schema newer than this build knows (a newer Colony has migrated it).
 */
export async function migrate(
  database: Database,
  options: MigrateOptions = {},
): Promise<{ applied: Migration[]; version: number }> {
  const { name, columnTypes } = database.dialect;
  const facts: MigrationDialect = { name, columnTypes };
  return database.dialect.withMigrationLock(database.db, async (transaction) => {
    await ensureTable(transaction, facts);
    const current = await currentVersion(transaction);
    const latest = latestVersion();
    if (current > latest) {
      throw new ColonyError(
        'unavailable',
        `database schema is at version ${current} but this Colony knows only up to ${latest}; upgrade Colony`,
      );
    }
    const target = options.to ?? latest;
    const pending = [...migrations]
      .filter((m) => m.version > current && m.version <= target)
      .sort((a, b) => a.version - b.version);
    for (const migration of pending) {
      await migration.up(transaction, facts);
      await transaction
        .insertInto('schema_migration')
        .values({ version: migration.version, name: migration.name, applied_at: Date.now() })
        .execute();
    }
    return { applied: pending, version: Math.max(current, pending.at(-1)?.version ?? current) };
  });
}
