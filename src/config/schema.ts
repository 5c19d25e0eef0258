import { z } from 'zod';

const booleanish = z.union([z.boolean(), z.enum(['true', 'false', '1', '0'])]).transform((value) => {
  return value === true || value === 'true' || value === '1';
});

/** Every setting Colony reads, with its default. The README's configuration table mirrors this. */
export const configSchema = z.object({
  dataDir: z.string().min(1).default('./.colony'),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(7700),
  databaseUrl: z.string().min(1).optional(),
  adminKey: z.string().min(32).optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  logFormat: z.enum(['auto', 'pretty', 'json']).default('auto'),
  workers: z.coerce.number().int().min(0).max(256).default(4),
  bodyLimitBytes: z.coerce.number().int().min(1024).max(100_000_000).default(1_048_576),
  rateLimitPerMinute: z.coerce.number().int().min(0).default(1200),
  /** Redis for rate limits shared by every API process (`redis://…`); unset: per process. */
  redisUrl: z
    .string()
    .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
    .optional(),
  taskLeaseMs: z.coerce.number().int().min(500).max(3_600_000).default(30_000),
  /** Postgres: longest a statement runs, or a query waits for a pooled connection; 0 = no limit. */
  databaseStatementTimeoutMs: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  shutdownGraceMs: z.coerce.number().int().min(0).default(10_000),
  recentWindowTokens: z.coerce.number().int().min(256).default(8000),
  maxRunSteps: z.coerce.number().int().min(1).max(200).default(16),
  publicUrl: z.string().url().optional(),
  /** Record the client a proxy names in `X-Forwarded-For` instead of the connection's peer. */
  trustProxy: booleanish.default(false),
  noWorkers: booleanish.default(false),
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

/** Environment variable → config key. */
export const environmentNames: Record<string, keyof Config> = {
  COLONY_DATA_DIR: 'dataDir',
  COLONY_HOST: 'host',
  COLONY_PORT: 'port',
  COLONY_DATABASE_URL: 'databaseUrl',
  COLONY_ADMIN_KEY: 'adminKey',
  COLONY_LOG_LEVEL: 'logLevel',
  COLONY_LOG_FORMAT: 'logFormat',
  COLONY_WORKERS: 'workers',
  COLONY_BODY_LIMIT_BYTES: 'bodyLimitBytes',
  COLONY_RATE_LIMIT_PER_MINUTE: 'rateLimitPerMinute',
  COLONY_REDIS_URL: 'redisUrl',
  COLONY_SHUTDOWN_GRACE_MS: 'shutdownGraceMs',
  COLONY_TASK_LEASE_MS: 'taskLeaseMs',
  COLONY_DATABASE_STATEMENT_TIMEOUT_MS: 'databaseStatementTimeoutMs',
  COLONY_RECENT_WINDOW_TOKENS: 'recentWindowTokens',
  COLONY_MAX_RUN_STEPS: 'maxRunSteps',
  COLONY_PUBLIC_URL: 'publicUrl',
  COLONY_TRUST_PROXY: 'trustProxy',
  COLONY_NO_WORKERS: 'noWorkers',
};
