import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ColonyError } from '../errors/index.js';
import { migrationStatus, type OpenDatabaseOptions, openDatabase } from '../storage/index.js';
import { filesystemTarget } from './backup-target.js';
import { type BackupProgress, createBackup, sqliteFileName } from './create-backup.js';
import type { BackupManifest } from './manifest.js';
import { restoreBackup } from './restore-backup.js';

export interface MigrateDataOptions {
  from: OpenDatabaseOptions;
  to: OpenDatabaseOptions;
  now: number;
  colonyVersion: string;
  /** Replace the destination's data even when it already has some. */
  force?: boolean;
  progress?: (progress: BackupProgress) => void;
}

/**
 * Copies an embedded SQLite install into another database (Postgres): a consistent copy of the
 * SQLite file (online backup API, so Colony may keep running until the switch), exported table by
 * table and loaded into the destination in one transaction, which is then migrated to this Colony's
 * schema. Refuses a destination that already holds data unless `force`.
 */
export async function migrateData(options: MigrateDataOptions): Promise<BackupManifest> {
  const work = await mkdtemp(join(tmpdir(), 'colony-migrate-data-'));
  try {
    const destination = openDatabase(options.to);
    try {
      const status = await migrationStatus(destination);
      if (status.current > 0 && !options.force) {
        const row = await destination.db
          .selectFrom('org')
          .select((builder) => builder.fn.countAll<number>().as('count'))
          .executeTakeFirst();
        if (Number(row?.count ?? 0) > 0) {
          throw new ColonyError(
            'conflict',
            `${destination.location} already holds Colony data (${Number(row?.count)} orgs); pass --force to replace it`,
          );
        }
      }
    } finally {
      await destination.close();
    }
    const source = openDatabase({ ...options.from, backgroundCheckpoints: false });
    const snapshot = join(work, sqliteFileName);
    try {
      const copyFile = source.dialect.tableCopy.copyFile;
      if (!copyFile)
        throw new ColonyError(
          'invalid_input',
          `migrate-data copies from SQLite; ${source.location} is not a SQLite file`,
        );
      await copyFile(source, snapshot, (done, total) =>
        options.progress?.({ phase: 'copy', detail: 'pages', done, total }),
      );
    } finally {
      await source.close();
    }
    const copy = openDatabase({ url: snapshot, backgroundCheckpoints: false });
    const target = filesystemTarget(join(work, 'export'));
    let manifest: BackupManifest;
    try {
      manifest = await createBackup(copy, target, {
        now: options.now,
        colonyVersion: options.colonyVersion,
        method: 'logical',
        ...(options.progress ? { progress: options.progress } : {}),
      });
    } finally {
      await copy.close();
    }
    await restoreBackup(target, manifest.id, {
      database: options.to,
      ...(options.progress ? { progress: options.progress } : {}),
    });
    return manifest;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
