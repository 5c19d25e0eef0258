import { type OpenDatabaseOptions, openDatabase } from '../storage/index.js';
import { filesystemTarget } from './backup-target.js';
import { type BackupProgress, createBackup } from './create-backup.js';
import { type BackupManifest, readManifest } from './manifest.js';
import { restoreBackup } from './restore-backup.js';
import { type BackupCheck, verifyBackup } from './verify-backup.js';

/**
 * The operator's verbs (`colony backup …`) over a database URL and a backup folder, for callers
 * that do not hold an open `Database` (the CLI). Each opens what it needs and closes it.
 */
export async function backupDatabase(
  database: OpenDatabaseOptions,
  folder: string,
  options: { now: number; colonyVersion: string; progress?: (progress: BackupProgress) => void },
): Promise<BackupManifest> {
  const opened = openDatabase({ ...database, backgroundCheckpoints: false });
  try {
    return await createBackup(opened, filesystemTarget(folder), options);
  } finally {
    await opened.close();
  }
}

/** Every committed backup in the folder with its manifest, oldest first. */
export async function listBackups(folder: string): Promise<BackupManifest[]> {
  const target = filesystemTarget(folder);
  const manifests: BackupManifest[] = [];
  for (const id of await target.list()) manifests.push(await readManifest(await target.open(id)));
  return manifests;
}

export async function verifyBackupIn(
  database: OpenDatabaseOptions,
  folder: string,
  id: string,
): Promise<BackupCheck> {
  const opened = openDatabase({ ...database, backgroundCheckpoints: false });
  try {
    return await verifyBackup(opened, filesystemTarget(folder), id);
  } finally {
    await opened.close();
  }
}

export async function restoreBackupFrom(
  database: OpenDatabaseOptions,
  folder: string,
  id: string,
  progress?: (progress: BackupProgress) => void,
): Promise<{ manifest: BackupManifest; schemaVersion: number }> {
  return restoreBackup(filesystemTarget(folder), id, { database, ...(progress ? { progress } : {}) });
}
