import type { Command } from 'commander';
import { databaseUrlOf } from '../../config/index.js';
import type { CliContext } from '../cli-context.js';
import { createOutput } from '../output.js';
import { globalsOf, loadCliConfig } from '../settings.js';
import { createSpinner } from '../spinner.js';
import { colonyVersion } from '../version.js';

const redact = (url: string) => url.replace(/\/\/[^@/]*@/, '//***@');

export function registerMigrateDataCommand(program: Command, cli: CliContext): void {
  program
    .command('migrate-data')
    .description(
      'copy this embedded SQLite install into Postgres (consistent copy; then point databaseUrl at it)',
    )
    .requiredOption('--to <url>', 'the destination, postgres://…')
    .option('--force', 'replace the destination’s data when it already holds some')
    .action(async (options: { to: string; force?: boolean }, command: Command) => {
      const globals = globalsOf(command);
      const config = loadCliConfig(globals, cli.io);
      const output = createOutput(cli.io, globals.json === true);
      const spinner = createSpinner(cli.io.stderr);
      const { migrateData } = await import('../../backup/index.js');
      const started = performance.now();
      try {
        const manifest = await migrateData({
          from: { url: databaseUrlOf(config) },
          to: { url: options.to },
          now: Date.now(),
          colonyVersion: colonyVersion(),
          force: options.force === true,
          progress: (progress) => spinner.start(`${progress.phase} ${progress.detail}`),
        });
        spinner.stop();
        const rows = Object.values(manifest.tables).reduce((sum, count) => sum + count, 0);
        const seconds = (performance.now() - started) / 1000;
        output.result({ to: redact(options.to), tables: manifest.tables, seconds }, () =>
          [
            `copied ${rows} rows in ${Object.keys(manifest.tables).length} tables to ${redact(options.to)} in ${seconds.toFixed(1)} s`,
            `next: stop Colony, set COLONY_DATABASE_URL=${redact(options.to)} (or databaseUrl), start it again`,
          ].join('\n'),
        );
      } finally {
        spinner.stop();
      }
    });
}
