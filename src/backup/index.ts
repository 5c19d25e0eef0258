export { type BackupTarget, filesystemTarget } from './backup-target.js';
export { type BackupProgress, type CreateBackupOptions, createBackup } from './create-backup.js';
export { type BackupFile, type BackupKind, type BackupManifest, readManifest } from './manifest.js';
export { type MigrateDataOptions, migrateData } from './migrate-data.js';
export { backupDatabase, listBackups, restoreBackupFrom, verifyBackupIn } from './operator.js';
export { type RestoreOptions, restoreBackup } from './restore-backup.js';
export { type BackupCheck, verifyBackup } from './verify-backup.js';
