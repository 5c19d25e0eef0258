import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { coerceError } from '../errors/index.js';
import type { Database, Schema, TableCopy } from '../storage/index.js';
import { type BackupTarget, newBackupId } from './backup-target.js';
import { type BackupManifest, fileDigest, writeManifest } from './manifest.js';
import { exportTables, schemaVersionOf } from './table-files.js';

export interface BackupProgress {
  /** `copy` (pages of the database file) or `table` (rows of one table written). */
  phase: 'copy' | 'table' | 'checksum';
  detail: string;
  done: number;
  total: number;
}

export interface CreateBackupOptions {
  now: number;
  /** `logical` exports tables even where a file copy exists (data migration between databases). */
  method?: 'auto' | 'logical';
  colonyVersion: string;
  progress?: (progress: BackupProgress) => void;
}

/** The file name of a SQLite backup's database copy. */
export const sqliteFileName = 'colony.sqlite';

/**
 * Takes a backup while Colony keeps running: a SQLite database is copied by the online backup API
 * (one consistent image; writers go on), Postgres is exported table by table from one REPEATABLE
 * READ snapshot. Every file gets its SHA-256 in `manifest.json`; the backup is staged and
 * committed whole.
 */
export async function createBackup(
  database: Database,
  target: BackupTarget,
  options: CreateBackupOptions,
): Promise<BackupManifest> {
  const id = newBackupId(options.now);
  const folder = await target.stage(id);
  try {
    const copyFile = options.method === 'logical' ? undefined : database.dialect.tableCopy.copyFile;
    let contents: { tables: Record<string, number>; schemaVersion: number };
    if (copyFile) {
      const file = join(folder, sqliteFileName);
      await copyFile(database, file, (done, total) =>
        options.progress?.({ phase: 'copy', detail: 'pages', done, total }),
      );
      contents = await countCopy(database, file);
    } else {
      let tablesDone = 0;
      contents = await exportTables(database, folder, (table, rows) =>
        options.progress?.({
          phase: 'table',
          detail: `${table} (${rows} rows)`,
          done: ++tablesDone,
          total: 0,
        }),
      );
    }
    const names =
      copyFile !== undefined
        ? [sqliteFileName]
        : Object.keys(contents.tables).map((table) => `${table}.jsonl.gz`);
    const files = [];
    for (const [index, name] of names.entries()) {
      files.push({ name, ...(await fileDigest(join(folder, name))) });
      options.progress?.({ phase: 'checksum', detail: name, done: index + 1, total: names.length });
    }
    const manifest: BackupManifest = {
      format: 'colony-backup',
      formatVersion: 1,
      id,
      createdAt: options.now,
      database: database.name,
      kind: copyFile ? 'sqlite-file' : 'logical',
      schemaVersion: contents.schemaVersion,
      colonyVersion: options.colonyVersion,
      tables: contents.tables,
      files,
    };
    await writeManifest(folder, manifest);
    await target.commit(id);
    return manifest;
  } catch (error) {
    await target.discard(id);
    throw coerceError(error);
  }
}

/** Row counts and schema version of a file copy, read (never written) from the copy itself. */
export async function countCopy(
  database: Pick<Database, 'dialect'>,
  file: string,
): Promise<{ tables: Record<string, number>; schemaVersion: number }> {
  const { readFile } = database.dialect.tableCopy;
  if (!readFile) throw new Error(`${database.dialect.name} has no file copies`);
  return readFile(file, (executor) => countTables(database.dialect.tableCopy, executor));
}

/** Rows per data table and the schema version of a database. */
export async function countTables(
  copy: TableCopy,
  executor: Kysely<Schema>,
): Promise<{ tables: Record<string, number>; schemaVersion: number }> {
  const tables: Record<string, number> = {};
  for (const table of await copy.dataTables(executor)) {
    const row = await executor
      .selectFrom(table as 'org')
      .select((builder) => builder.fn.countAll<number>().as('count'))
      .executeTakeFirst();
    tables[table] = Number(row?.count ?? 0);
  }
  return { tables, schemaVersion: await schemaVersionOf(executor) };
}
