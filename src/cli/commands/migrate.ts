import type { Command } from 'commander';
import { databaseUrlOf } from '../../config/index.js';
import type { CliContext } from '../cli-context.js';
import { createOutput } from '../output.js';
import { globalsOf, loadCliConfig } from '../settings.js';

export function registerMigrateCommand(program: Command, cli: CliContext): void {
  program
    .command('migrate')
    .description('apply pending database migrations (serve also applies them at start)')
    .option('--status', 'only show the schema version and pending migrations')
    .action(async (options: { status?: boolean }, command: Command) => {
      const globals = globalsOf(command);
      const output = createOutput(cli.io, globals.json === true);
      const config = loadCliConfig(globals, cli.io);
      const { migrateDatabase } = await import('../../server/index.js');
      const report = await migrateDatabase(databaseUrlOf(config), { statusOnly: options.status === true });
      const { database: where, before, applied } = report;
      if (!applied) {
        const pending = before.pending.map(({ version, name }) => ({ version, name }));
        output.result({ database: where, current: before.current, latest: before.latest, pending }, () =>
          [
            `database: ${where}`,
            `schema:   version ${before.current} of ${before.latest}`,
            `pending:  ${pending.length === 0 ? 'none' : pending.map((m) => `${m.version} ${m.name}`).join(', ')}`,
          ].join('\n'),
        );
        return;
      }
      const migrations = applied.migrations.map(({ version, name }) => ({ version, name }));
      output.result(
        { database: where, from: before.current, to: applied.version, applied: migrations },
        () =>
          migrations.length === 0
            ? `${where} is up to date (schema version ${applied.version})`
            : `migrated ${where} from version ${before.current} to ${applied.version}: ${migrations.map((m) => `${m.version} ${m.name}`).join(', ')}`,
      );
    });
}
