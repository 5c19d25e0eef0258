import { join } from 'node:path';
import { ColonyError } from '../errors/index.js';
import {
  type Database,
  migrate,
  migrationStatus,
  type OpenDatabaseOptions,
  openDatabase,
} from '../storage/index.js';
import type { BackupTarget } from './backup-target.js';
import type { BackupProgress } from './create-backup.js';
import { sqliteFileName } from './create-backup.js';
import type { BackupManifest } from './manifest.js';
import { readTableFile } from './table-files.js';
import { verifyBackup } from './verify-backup.js';

export interface RestoreOptions {
  /** The database to restore into (Colony must not be running on it). */
  database: OpenDatabaseOptions;
  progress?: (progress: BackupProgress) => void;
}

function refuse(message: string): ColonyError {
  return new ColonyError('unprocessable', `${message}; nothing was restored`);
}

/**
 * Restores a backup over the database, after checking it whole: a damaged backup (a file missing,
 * a size or SHA-256 that differs, rows that do not count up) and one taken by a newer Colony are
 * refused before anything changes. A SQLite copy replaces the database file; a logical backup
 * replaces every table's rows in one transaction. The database is then migrated to this Colony's
 * schema.
 */
export async function restoreBackup(
  target: BackupTarget,
  id: string,
  options: RestoreOptions,
): Promise<{ manifest: BackupManifest; schemaVersion: number }> {
  let database = openDatabase(options.database);
  try {
    const { manifest, problems } = await verifyBackup(database, target, id);
    if (problems.length > 0) throw refuse(`backup ${id} is damaged: ${problems.join('; ')}`);
    const { latest, current } = await migrationStatus(database);
    if (manifest.schemaVersion > latest) {
      throw refuse(
        `backup ${id} holds schema version ${manifest.schemaVersion}, newer than this Colony knows (${latest}): restore it with a newer Colony`,
      );
    }
    const folder = await target.open(id);
    const { replaceFile } = database.dialect.tableCopy;
    if (manifest.kind === 'sqlite-file') {
      if (!replaceFile) {
        throw refuse(
          `backup ${id} is a SQLite database file and restores into SQLite only; to move a SQLite install to ${database.name}, use \`colony migrate-data\``,
        );
      }
      const location = database.location;
      await database.close();
      options.progress?.({ phase: 'copy', detail: 'database file', done: 0, total: 1 });
      await replaceFile(location, join(folder, sqliteFileName));
      options.progress?.({ phase: 'copy', detail: 'database file', done: 1, total: 1 });
      database = openDatabase(options.database);
    } else {
      if (replaceFile) {
        throw refuse(
          `backup ${id} is a logical export of ${manifest.database} and restores into Postgres only (SQLite's full-text index is not in it)`,
        );
      }
      if (current > manifest.schemaVersion) {
        throw refuse(
          `the database is at schema version ${current}, newer than the backup's ${manifest.schemaVersion}: restore into an empty database`,
        );
      }
      await migrate(database, { to: manifest.schemaVersion });
      await loadTables(database, folder, manifest, options.progress);
    }
    const { version } = await migrate(database);
    return { manifest, schemaVersion: version };
  } finally {
    await database.close();
  }
}

/** Replaces every data table's rows with the backup's, in one transaction. */
async function loadTables(
  database: Database,
  folder: string,
  manifest: BackupManifest,
  progress: RestoreOptions['progress'],
): Promise<void> {
  const copy = database.dialect.tableCopy;
  await database.db.transaction().execute(async (transaction) => {
    const tables = await copy.dataTables(transaction);
    const inBackup = new Set(Object.keys(manifest.tables));
    const unknown = [...inBackup].filter((table) => !tables.includes(table));
    if (unknown.length > 0) throw refuse(`the backup has tables this schema lacks: ${unknown.join(', ')}`);
    await copy.truncate(transaction, tables);
    let done = 0;
    for (const table of tables.filter((name) => inBackup.has(name))) {
      const writable = new Set(await copy.writableColumns(transaction, table));
      let rows = 0;
      for await (const batch of readTableFile(join(folder, `${table}.jsonl.gz`), 500)) {
        const missing = batch.columns.filter((column) => !writable.has(column));
        if (missing.length > 0) throw refuse(`${table}: the schema lacks columns ${missing.join(', ')}`);
        if (batch.rows.length === 0) continue;
        const values = batch.rows.map((row) =>
          Object.fromEntries(batch.columns.map((column, index) => [column, row[index]])),
        );
        await transaction
          .insertInto(table as 'org')
          .values(values as never)
          .execute();
        rows += batch.rows.length;
      }
      progress?.({ phase: 'table', detail: `${table} (${rows} rows)`, done: ++done, total: inBackup.size });
    }
    await copy.afterInsert(transaction, tables);
  });
}
