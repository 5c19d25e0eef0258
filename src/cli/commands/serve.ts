import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../../config/index.js';
import { ColonyError } from '../../errors/index.js';
import type { Logger } from '../../observability/index.js';
import { type BannerFacts, describeModels, formatBanner } from '../banner.js';
import type { CliContext } from '../cli-context.js';
import { type CliIo, createOutput } from '../output.js';
import { globalsOf, integerOption, loadCliConfig } from '../settings.js';
import { waitForShutdownSignal } from '../signals.js';
import { colonyVersion } from '../version.js';

interface ServeOptions {
  host?: string;
  port?: number;
  /** A count, or false for `--no-workers`. */
  workers?: number | false;
}

/**
 * Pino: pretty lines in a terminal (logFormat auto), JSON otherwise. Heavy modules are imported
 * when a command runs, so that `colony agent list` does not load the server.
 */
export async function createCliLogger(config: Config, io: CliIo): Promise<Logger> {
  const { createLogger } = await import('../../observability/index.js');
  const pretty = config.logFormat === 'pretty' || (config.logFormat === 'auto' && io.stdout.isTTY === true);
  return createLogger({ level: config.logLevel, pretty });
}

function workerFlags(workers: number | false | undefined) {
  if (workers === false) return { noWorkers: true };
  return workers === undefined ? {} : { workers };
}

function listenError(thrown: unknown, config: Config): unknown {
  if (thrown instanceof Error && 'code' in thrown && thrown.code === 'EADDRINUSE') {
    return new ColonyError(
      'unavailable',
      `${config.host}:${config.port} is already in use (another \`colony serve\`?); pass --port or set COLONY_PORT`,
    );
  }
  return thrown;
}

export function registerServeCommand(program: Command, cli: CliContext): void {
  program
    .command('serve')
    .description('run the API, the workers and the scheduler in one process')
    .option('--host <host>', 'interface to listen on (COLONY_HOST, default 127.0.0.1)')
    .option(
      '--port <port>',
      'port to listen on; 0 picks a free one (COLONY_PORT, default 7700)',
      integerOption('--port'),
    )
    .option(
      '--workers <count>',
      'task workers in this process (COLONY_WORKERS, default 4)',
      integerOption('--workers'),
    )
    .option('--no-workers', 'serve the API only; run `colony worker` elsewhere')
    .action(async (options: ServeOptions, command: Command) => {
      const globals = globalsOf(command);
      const output = createOutput(cli.io, globals.json === true);
      const config = loadCliConfig(globals, cli.io, {
        host: options.host,
        port: options.port,
        ...workerFlags(options.workers),
      });
      const logger = await createCliLogger(config, cli.io);
      const { startServer } = await import('../../server/index.js');
      const server = await startServer(config, logger).catch((thrown: unknown) => {
        throw listenError(thrown, config);
      });
      const { database, services, workers } = server.colony;
      const facts: BannerFacts = {
        version: colonyVersion(),
        url: server.url,
        dataDir: config.dataDir,
        database: { name: database.name, location: database.location },
        adminKey: { ...server.adminKey, onDisk: existsSync(server.adminKey.file) },
        model: describeModels(services.models),
        workers: workers ? config.workers : 0,
      };
      output.result(facts, () => formatBanner(facts));
      logger.info(
        {
          url: server.url,
          database: database.location,
          model: facts.model.description,
          workers: facts.workers,
        },
        facts.model.offline ? 'colony serving (offline model: deterministic, not AI)' : 'colony serving',
      );
      const signal = await waitForShutdownSignal();
      logger.info({ signal }, 'shutting down');
      await server.stop();
      logger.info('stopped');
    });
}
