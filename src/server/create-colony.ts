import { join } from 'node:path';
import type { Config } from '../config/index.js';
import { databaseUrlOf } from '../config/index.js';
import { createEventBus } from '../events/index.js';
import type { HttpServices } from '../http/index.js';
import { createAuthenticator } from '../identity/index.js';
import { createIdGenerator, systemClock } from '../kernel/index.js';
import { createModelRegistry, modelsConfigFromEnv } from '../models/index.js';
import { createMetrics, type Logger } from '../observability/index.js';
import {
  agentRunKind,
  createAgentRunHandler,
  createRunResumer,
  createRunScheduler,
  type RuntimeServices,
} from '../runtime/index.js';
import { type Database, migrate, migrationStatus, openDatabase } from '../storage/index.js';
import { createWorkerPool, type TaskHandler, type WorkerPool } from '../tasks/index.js';
import { createToolRegistry, toolsConfigFromEnv } from '../tools/index.js';

export interface Colony {
  services: HttpServices;
  database: Database;
  workers: WorkerPool | null;
  /** Stops workers (letting in-flight steps finish up to the grace period) and closes the database. */
  close(): Promise<void>;
}

export interface CreateColonyOptions {
  config: Readonly<Config>;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  /** Run task workers in this process (serve and worker roles). */
  workers: boolean;
  /** More task handlers by kind (tests, embedders). */
  handlers?: Record<string, TaskHandler>;
}

/**
 * Assembles every capability over one database: migrations applied, registries built, the
 * worker pool created (not started). The HTTP server and the CLI both start from here.
 */
export async function createColony(options: CreateColonyOptions): Promise<Colony> {
  const { config, logger } = options;
  const env = options.env ?? process.env;
  const database = openDatabase({ url: databaseUrlOf(config) });
  try {
    await migrate(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  const base = { database, bus: createEventBus(), clock: systemClock, ids: createIdGenerator(), logger };
  const runtime: RuntimeServices = {
    ...base,
    models: createModelRegistry(modelsConfigFromEnv(env)),
    tools: createToolRegistry(toolsConfigFromEnv(env)),
    runtime: { maxRunSteps: config.maxRunSteps, recentWindowTokens: config.recentWindowTokens },
    runHooks: {},
  };
  let workers: WorkerPool | null = null;
  const wake = () => workers?.wake();
  const services: HttpServices = {
    ...runtime,
    config,
    authenticate: createAuthenticator(runtime),
    runs: createRunScheduler(runtime, wake),
    runResumer: createRunResumer(runtime, wake),
    metrics: createMetrics(base.bus),
    async readiness() {
      const checks: Record<string, string> = {};
      try {
        await database.ping();
        checks.database = 'ok';
        const status = await migrationStatus(database);
        checks.migrations =
          status.pending.length === 0 ? `ok (version ${status.current})` : `${status.pending.length} pending`;
      } catch (error) {
        checks.database = `unreachable: ${error instanceof Error ? error.message : String(error)}`;
      }
      checks.workers = workers ? 'running' : 'disabled in this process';
      const ready = checks.database === 'ok' && (checks.migrations ?? '').startsWith('ok');
      return { ready, checks };
    },
  };
  if (options.workers && config.workers > 0) {
    workers = createWorkerPool(runtime, {
      handlers: { [agentRunKind]: createAgentRunHandler(runtime), ...options.handlers },
      concurrency: config.workers,
      leaseMs: config.taskLeaseMs,
    });
  }
  return {
    services,
    database,
    workers,
    async close() {
      await workers?.stop({ drainMs: config.shutdownGraceMs });
      await database.close();
    },
  };
}

export function adminKeyFile(config: Config): string {
  return join(config.dataDir, 'admin-key');
}
