import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Database, openDatabase } from '../database.js';
import type { DialectName } from '../dialects/dialect.js';
import { migrate } from '../migrator.js';

/**
 * Which databases the suite runs on: `COLONY_TEST_DATABASES=sqlite,postgres` (default `sqlite`,
 * so `npm test` needs nothing installed). `.ci/run` runs the suite again with Postgres.
 */
export const testDialects: DialectName[] = (process.env.COLONY_TEST_DATABASES ?? 'sqlite')
  .split(',')
  .map((name) => name.trim())
  .filter((name): name is DialectName => name === 'sqlite' || name === 'postgres');

export const postgresAdminUrl =
  process.env.COLONY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  database: Database;
  /** The URL another process can open (a file path for SQLite, a postgres:// URL). */
  url: string;
  cleanup(): Promise<void>;
}

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Creates an empty Postgres database and returns its URL; `drop` removes it. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `colony_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  return {
    url: withDatabaseName(postgresAdminUrl, name),
    async drop() {
      const client = new pg.Client({ connectionString: postgresAdminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/**
 * A fresh database of the given dialect, migrated unless `migrated: false`. SQLite uses a
 * temporary file unless `memory`.
 */
export async function createTestDatabase(
  dialect: DialectName,
  options: { memory?: boolean; file?: string; backgroundCheckpoints?: boolean; migrated?: boolean } = {},
): Promise<TestDatabase> {
  if (dialect === 'postgres') {
    const created = await createPostgresDatabase();
    const database = openDatabase({ url: created.url, poolSize: 10 });
    if (options.migrated !== false) await migrate(database);
    return {
      database,
      url: created.url,
      async cleanup() {
        await database.close();
        await created.drop();
      },
    };
  }
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const directory = options.memory ? undefined : mkdtempSync(join(tmpdir(), 'colony-test-'));
  const url = options.file ?? (directory ? join(directory, 'colony.db') : ':memory:');
  const database = openDatabase({ url, backgroundCheckpoints: options.backgroundCheckpoints });
  if (options.migrated !== false) await migrate(database);
  return {
    database,
    url,
    async cleanup() {
      await database.close();
      if (directory) rmSync(directory, { recursive: true, force: true });
    },
  };
}
