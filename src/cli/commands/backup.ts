import type { Command } from 'commander';
import type { BackupManifest, BackupProgress } from '../../backup/index.js';
import { backupDirOf, databaseUrlOf } from '../../config/index.js';
import { ColonyError } from '../../errors/index.js';
import type { CliContext } from '../cli-context.js';
import { createOutput, formatTable, formatTime } from '../output.js';
import { globalsOf, loadCliConfig } from '../settings.js';
import { createSpinner } from '../spinner.js';
import { colonyVersion } from '../version.js';

interface FolderOption {
  dir?: string;
}

const megabytes = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;
const totalBytes = (manifest: BackupManifest) => manifest.files.reduce((sum, file) => sum + file.bytes, 0);
const totalRows = (manifest: BackupManifest) =>
  Object.values(manifest.tables).reduce((sum, rows) => sum + rows, 0);

function progressLabel(progress: BackupProgress): string {
  if (progress.phase === 'copy' && progress.total > 0) {
    return `copying ${progress.detail}: ${Math.floor((progress.done / progress.total) * 100)}%`;
  }
  if (progress.phase === 'checksum') return `checksum ${progress.done}/${progress.total}: ${progress.detail}`;
  return `${progress.phase} ${progress.detail}`;
}

/** The command's settings: the database, the backup folder, progress on stderr (a TTY spinner). */
async function setup(cli: CliContext, command: Command, options: FolderOption) {
  const globals = globalsOf(command);
  const config = loadCliConfig(globals, cli.io);
  const spinner = createSpinner(cli.io.stderr);
  return {
    backup: await import('../../backup/index.js'),
    database: { url: databaseUrlOf(config) },
    folder: options.dir ?? backupDirOf(config),
    output: createOutput(cli.io, globals.json === true),
    progress: (progress: BackupProgress) => spinner.start(progressLabel(progress)),
    spinner,
  };
}

function describeBackup(manifest: BackupManifest): string {
  return [
    `backup ${manifest.id}`,
    `taken:    ${formatTime(manifest.createdAt)} from ${manifest.database} (${manifest.kind}), schema version ${manifest.schemaVersion}, Colony ${manifest.colonyVersion}`,
    `contents: ${totalRows(manifest)} rows in ${Object.keys(manifest.tables).length} tables, ${manifest.files.length} files, ${megabytes(totalBytes(manifest))}`,
  ].join('\n');
}

export function registerBackupCommand(program: Command, cli: CliContext): void {
  const backup = program
    .command('backup')
    .description('back up, check and restore the database (operator commands; no server needed)');

  backup
    .command('create')
    .description('take a backup while Colony runs (SQLite: online backup API; Postgres: logical export)')
    .option('--dir <folder>', 'backup folder (default: backupDir, or <dataDir>/backups)')
    .action(async (options: FolderOption, command: Command) => {
      const run = await setup(cli, command, options);
      const started = performance.now();
      try {
        const manifest = await run.backup.backupDatabase(run.database, run.folder, {
          now: Date.now(),
          colonyVersion: colonyVersion(),
          progress: run.progress,
        });
        run.spinner.stop();
        const seconds = (performance.now() - started) / 1000;
        run.output.result(
          { ...manifest, folder: run.folder, seconds },
          () =>
            `${describeBackup(manifest)}\nwritten to ${run.folder}/${manifest.id} in ${seconds.toFixed(1)} s`,
        );
      } finally {
        run.spinner.stop();
      }
    });

  backup
    .command('list')
    .description('list the backups in the backup folder, oldest first')
    .option('--dir <folder>', 'backup folder')
    .action(async (options: FolderOption, command: Command) => {
      const run = await setup(cli, command, options);
      const backups = await run.backup.listBackups(run.folder);
      run.output.result({ folder: run.folder, backups }, () =>
        backups.length === 0
          ? `no backups in ${run.folder}`
          : formatTable(
              ['id', 'taken', 'from', 'schema', 'rows', 'size'],
              backups.map((manifest) => [
                manifest.id,
                formatTime(manifest.createdAt),
                `${manifest.database} (${manifest.kind})`,
                String(manifest.schemaVersion),
                String(totalRows(manifest)),
                megabytes(totalBytes(manifest)),
              ]),
            ),
      );
    });

  backup
    .command('verify')
    .description('check a backup: every file’s size and SHA-256, and its row counts')
    .argument('<id>', 'backup id (see backup list)')
    .option('--dir <folder>', 'backup folder')
    .action(async (id: string, options: FolderOption, command: Command) => {
      const run = await setup(cli, command, options);
      run.spinner.start(`verifying ${id}`);
      const check = await run.backup
        .verifyBackupIn(run.database, run.folder, id)
        .finally(() => run.spinner.stop());
      if (check.problems.length > 0) {
        throw new ColonyError('unprocessable', `backup ${id} is damaged: ${check.problems.join('; ')}`, {
          problems: check.problems,
        });
      }
      run.output.result(
        { id, ok: true, manifest: check.manifest },
        () => `${describeBackup(check.manifest)}\nok: every file and row count matches the manifest`,
      );
    });

  backup
    .command('restore')
    .description('replace the database with a backup (stop Colony first); refuses a damaged or newer backup')
    .argument('<id>', 'backup id (see backup list)')
    .option('--dir <folder>', 'backup folder')
    .action(async (id: string, options: FolderOption, command: Command) => {
      const run = await setup(cli, command, options);
      try {
        const restored = await run.backup.restoreBackupFrom(run.database, run.folder, id, run.progress);
        run.spinner.stop();
        run.output.result(
          { id, schemaVersion: restored.schemaVersion, tables: restored.manifest.tables },
          () =>
            `restored ${id} (${totalRows(restored.manifest)} rows) into ${run.database.url.replace(/\/\/[^@]*@/, '//***@')}; schema version ${restored.schemaVersion}`,
        );
      } finally {
        run.spinner.stop();
      }
    });
}
