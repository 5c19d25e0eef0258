import { join } from 'node:path';
import type { Database } from '../storage/index.js';
import type { BackupTarget } from './backup-target.js';
import { countCopy, sqliteFileName } from './create-backup.js';
import { type BackupManifest, fileDigest, readManifest } from './manifest.js';
import { readTableFile } from './table-files.js';

export interface BackupCheck {
  manifest: BackupManifest;
  /** Empty when the backup is whole: every file present with its size and SHA-256, rows as counted. */
  problems: string[];
}

/**
 * Checks a backup without restoring it: each file's size and SHA-256 against the manifest, then
 * the contents (the SQLite copy opens and holds the counted rows; each table file parses and
 * holds its rows).
 */
export async function verifyBackup(
  database: Pick<Database, 'dialect'>,
  target: BackupTarget,
  id: string,
): Promise<BackupCheck> {
  const folder = await target.open(id);
  const manifest = await readManifest(folder);
  const problems: string[] = [];
  for (const file of manifest.files) {
    const found = await fileDigest(join(folder, file.name)).catch(() => null);
    if (!found) problems.push(`${file.name}: missing`);
    else if (found.bytes !== file.bytes)
      problems.push(`${file.name}: ${found.bytes} bytes, the manifest says ${file.bytes}`);
    else if (found.sha256 !== file.sha256)
      problems.push(`${file.name}: SHA-256 differs from the manifest (corrupted)`);
  }
  if (problems.length > 0) return { manifest, problems };
  const counted =
    manifest.kind === 'sqlite-file'
      ? (await countCopy(database, join(folder, sqliteFileName))).tables
      : await countFiles(folder, manifest);
  for (const [table, rows] of Object.entries(manifest.tables)) {
    if (counted[table] !== rows)
      problems.push(`${table}: ${counted[table] ?? 'no'} rows, the manifest says ${rows}`);
  }
  return { manifest, problems };
}

async function countFiles(folder: string, manifest: BackupManifest): Promise<Record<string, number>> {
  const counted: Record<string, number> = {};
  for (const file of manifest.files) {
    for await (const batch of readTableFile(join(folder, file.name))) {
      counted[batch.table] = (counted[batch.table] ?? 0) + batch.rows.length;
    }
  }
  return counted;
}
