import { join } from 'node:path';
import { createCapabilityChooser, createDelegateTool, createMessageTools } from '../collaboration/index.js';
import type { Config } from '../config/index.js';
import { databaseUrlOf } from '../config/index.js';
import { createEventBus, startNatsFanOut } from '../events/index.js';
import { createRateLimiter, createRedisRateLimiter, type HttpServices } from '../http/index.js';
import { createAuthenticator } from '../identity/index.js';
import { createIdGenerator, systemClock } from '../kernel/index.js';
import { configServersOf, createMcpHub, createMcpToolSource } from '../mcp/index.js';
import {
  createConfiguredEmbedder,
  createMemoryRunHooks,
  createMemoryRuntime,
  createMemoryTools,
  ensureConsolidationSchedules,
  ensureReembedTasks,
  type MemoryWiringServices,
  memoryTaskHandlers,
} from '../memory/index.js';
import { createModelRegistry } from '../models/index.js';
import { createMetrics, type Logger } from '../observability/index.js';
import { createOrchestrationHandlers } from '../orchestration/index.js';
import {
  agentRunKind,
  approvalExpiryKind,
  createAgentRunHandler,
  createApprovalExpiryHandler,
  createRunCancelHook,
  createRunResumer,
  createRunScheduler,
} from '../runtime/index.js';
import { createScheduleHandlers } from '../schedules/index.js';
import {
  checkSecretsKey,
  createSecretResolver,
  createSecretVault,
  openSecretsKey,
  type SecretVault,
} from '../secrets/index.js';
import {
  createOutageBackoff,
  type Database,
  databaseOutageOf,
  migrate,
  migrationStatus,
  openDatabase,
} from '../storage/index.js';
import {
  createBuiltinTaskHandlers,
  createScheduler,
  createWorkerPool,
  onTasksCanceled,
  type Scheduler,
  type TaskHandler,
  type WorkerPool,
} from '../tasks/index.js';
import { createToolRegistry } from '../tools/index.js';
import { createWebhookDispatcher, createWebhookHandlers } from '../webhooks/index.js';
import { createWorkflowCancelHook, createWorkflowHandlers } from '../workflows/index.js';

export interface Colony {
  services: HttpServices;
  database: Database;
  workers: WorkerPool | null;
  /** Cron (leader only); created with the workers, started by `serve` and `worker`, stopped on close. */
  scheduler: Scheduler | null;
  /** Stops workers (letting in-flight steps finish up to the grace period) and closes the database. */
  close(): Promise<void>;
}

export interface CreateColonyOptions {
  config: Config;
  logger: Logger;
  /** Run task workers in this process (serve and worker roles). */
  workers: boolean;
  /** More task handlers by kind (tests, embedders). */
  handlers?: Record<string, TaskHandler>;
}

/**
 * Assembles every capability over one database: migrations applied, registries built, the
 * worker pool created (not started). The HTTP server and the CLI both start from here. Each
 * capability gets its slice of the one configuration (`config.memory`, `config.models`,
 * `config.tools`); none reads the environment.
 */
export async function createColony(options: CreateColonyOptions): Promise<Colony> {
  const { config, logger } = options;
  // Connections that fail (a Postgres restart) are discarded and replaced; the outage is logged once.
  const connections = createOutageBackoff(logger, 'database connections');
  const database = openDatabase({
    url: databaseUrlOf(config),
    traceSqlMs: config.traceSqlMs,
    statementTimeoutMs: config.databaseStatementTimeoutMs,
    onConnectionError: (error) => connections.failed(error),
    onConnect: () => connections.succeeded(),
  });
  let secrets: SecretVault;
  try {
    await migrate(database);
    // The key file is made only beside the embedded database: a shared one needs COLONY_SECRETS_KEY.
    secrets = createSecretVault(
      openSecretsKey({
        configured: config.secretsKey,
        dataDir: config.dataDir,
        generate: config.databaseUrl === undefined,
      }),
    );
    await checkSecretsKey(database.db, secrets);
  } catch (error) {
    await database.close();
    throw error;
  }
  const bus = createEventBus({ readerPollMs: config.eventPollMs });
  const fanOut = config.natsUrl ? startNatsFanOut(bus, { url: config.natsUrl, logger }) : undefined;
  const base = { database, bus, clock: systemClock, ids: createIdGenerator(), logger };
  const secretResolver = createSecretResolver({ ...base, secrets });
  const memoryConfig = config.memory;
  const mcp = createMcpHub(config.mcp, base.clock, configServersOf(config.mcpServers));
  const memory = createMemoryRuntime(base, {
    embedder: createConfiguredEmbedder(memoryConfig, { openai: config.models.openai }),
  });
  const runtime: MemoryWiringServices = {
    ...base,
    memory,
    models: createModelRegistry(config.models),
    tools: createToolRegistry(config.tools, secretResolver),
    runtime: {
      maxRunSteps: config.maxRunSteps,
      recentWindowTokens: config.recentWindowTokens,
      approvalTtlMs: config.approvalTtlMs,
    },
    runHooks: {},
  };
  runtime.runHooks = createMemoryRunHooks(runtime, memoryConfig);
  runtime.tools.addSource(createMcpToolSource(base, mcp, secretResolver));
  for (const tool of Object.values(
    createMemoryTools(runtime, undefined, { anonymousScope: memoryConfig.anonymousScope }),
  )) {
    runtime.tools.register(tool);
  }
  let workers: WorkerPool | null = null;
  let scheduler: Scheduler | null = null;
  const wake = () => workers?.wake();
  const services: HttpServices = {
    ...runtime,
    config,
    mcp,
    secrets,
    authenticate: createAuthenticator(runtime),
    runs: createRunScheduler(runtime, wake),
    runResumer: createRunResumer(runtime, wake),
    metrics: createMetrics(base.bus),
    rateLimiter: config.redisUrl
      ? createRedisRateLimiter(config.rateLimitPerMinute, {
          url: config.redisUrl,
          onUnavailable: (error) =>
            logger.warn({ err: error }, 'rate limiter: Redis unavailable, requests are let through'),
        })
      : createRateLimiter(config.rateLimitPerMinute),
    chooseAgent: createCapabilityChooser(database.db),
    async readiness() {
      const checks: Record<string, string> = {};
      try {
        await database.ping();
        checks.database = 'ok';
        const status = await migrationStatus(database);
        checks.migrations =
          status.pending.length === 0 ? `ok (version ${status.current})` : `${status.pending.length} pending`;
      } catch (error) {
        // Not ready during an outage (a load balancer sends elsewhere); ready again when it ends.
        const outage = databaseOutageOf(error);
        const message = error instanceof Error ? error.message : String(error);
        checks.database = outage ? `unavailable (${outage}): ${message}` : `error: ${message}`;
      }
      checks.workers = workers ? 'running' : 'disabled in this process';
      const ready = checks.database === 'ok' && (checks.migrations ?? '').startsWith('ok');
      return { ready, checks };
    },
  };
  runtime.tools.register(createDelegateTool(services));
  for (const tool of createMessageTools(services)) runtime.tools.register(tool);
  if (options.workers && config.workers > 0) {
    workers = createWorkerPool(runtime, {
      handlers: {
        ...createBuiltinTaskHandlers(),
        [agentRunKind]: createAgentRunHandler(runtime),
        [approvalExpiryKind]: createApprovalExpiryHandler(runtime),
        ...memoryTaskHandlers(runtime, memoryConfig),
        ...createOrchestrationHandlers(services),
        ...createScheduleHandlers(services),
        ...createWebhookHandlers(services),
        ...createWorkflowHandlers(runtime),
        ...options.handlers,
      },
      concurrency: config.workers,
      leaseMs: config.taskLeaseMs,
    });
    // Webhook deliveries are queued wherever tasks run: the dispatcher starts and stops with the pool.
    const pool = workers;
    const dispatcher = createWebhookDispatcher(services, { wake: () => pool.wake() });
    workers = {
      start() {
        pool.start();
        dispatcher.start();
      },
      async stop(stopOptions) {
        await dispatcher.stop();
        await pool.stop(stopOptions);
      },
      wake: () => pool.wake(),
    };
    const cron = createScheduler(runtime, { leaseMs: config.taskLeaseMs });
    scheduler = {
      ...cron,
      start() {
        ensureConsolidationSchedules(runtime, memoryConfig).catch((error: unknown) =>
          logger.warn({ err: error }, 'could not schedule memory consolidation'),
        );
        ensureReembedTasks(runtime).catch((error: unknown) =>
          logger.warn({ err: error }, 'could not enqueue memory re-embedding'),
        );
        cron.start();
      },
    };
  }
  // Hooks are registered here, by the one place that wires capabilities, never on import.
  const removeRunCancelHook = onTasksCanceled(createRunCancelHook(runtime));
  const removeWorkflowCancelHook = onTasksCanceled(createWorkflowCancelHook(runtime));
  return {
    services,
    database,
    workers,
    scheduler,
    async close() {
      await scheduler?.stop();
      await workers?.stop({ drainMs: config.shutdownGraceMs });
      await memory.close();
      await mcp.close();
      await services.rateLimiter?.close();
      await fanOut?.close();
      await database.close();
      removeRunCancelHook();
      removeWorkflowCancelHook();
    },
  };
}

export function adminKeyFile(config: Config): string {
  return join(config.dataDir, 'admin-key');
}
