import type { Command } from 'commander';
import { ColonyError } from '../../errors/index.js';
import type { CliContext } from '../cli-context.js';
import { createOutput } from '../output.js';
import { globalsOf, integerOption, loadCliConfig } from '../settings.js';
import { waitForShutdownSignal } from '../signals.js';
import { createCliLogger } from './serve.js';

export function registerWorkerCommand(program: Command, cli: CliContext): void {
  program
    .command('worker')
    .description('run task workers only (no HTTP); point many at one Postgres to scale out')
    .option(
      '--workers <count>',
      'concurrent tasks in this process (COLONY_WORKERS, default 4)',
      integerOption('--workers', 1),
    )
    .action(async (options: { workers?: number }, command: Command) => {
      const globals = globalsOf(command);
      const output = createOutput(cli.io, globals.json === true);
      const config = loadCliConfig(globals, cli.io, { workers: options.workers, noWorkers: false });
      if (config.workers < 1)
        throw new ColonyError('invalid_input', 'a worker needs --workers of at least 1');
      const logger = await createCliLogger(config, cli.io);
      const { createColony } = await import('../../server/index.js');
      const colony = await createColony({ config, logger, workers: true });
      colony.workers?.start();
      colony.scheduler?.start();
      const facts = { role: 'worker', workers: config.workers, database: colony.database.location };
      output.result(
        facts,
        () => `Colony worker running: ${config.workers} workers on ${colony.database.location}`,
      );
      logger.info(facts, 'colony worker started');
      const signal = await waitForShutdownSignal();
      logger.info({ signal }, 'shutting down');
      await colony.close();
      logger.info('stopped');
    });
}
