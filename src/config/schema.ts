import { z } from 'zod';
import { browserSettings } from './browser-settings.js';
import { mcpServersSetting, mcpSettings } from './mcp-settings.js';
import { memorySettings } from './memory-settings.js';
import { modelsSettings } from './models-settings.js';
import { secretsKeySetting } from './secrets-key-setting.js';
import { booleanish, setting } from './setting.js';
import { toolsSettings } from './tools-settings.js';
import { webhooksSettings } from './webhooks-settings.js';

/**
 * Every setting Colony reads, with its default, environment name, flag and meaning. Strict: an
 * unknown key is an error at every level. The README's configuration table is generated from it
 * (`npm run docs:config`).
 */
export const configSchema = z.strictObject({
  dataDir: setting(z.string().min(1).default('./.colony'), {
    env: 'COLONY_DATA_DIR',
    flag: '--data-dir',
    meaning: 'where the SQLite file and `admin-key` live',
  }),
  host: setting(z.string().min(1).default('127.0.0.1'), {
    env: 'COLONY_HOST',
    flag: '--host',
    meaning: 'listen address',
  }),
  port: setting(z.coerce.number().int().min(0).max(65535).default(7700), {
    env: 'COLONY_PORT',
    flag: '--port',
    meaning: 'listen port; `0` picks a free one',
  }),
  databaseUrl: setting(z.string().min(1).optional(), {
    env: 'COLONY_DATABASE_URL',
    flag: '--database-url',
    meaning: '`postgres://…` to use Postgres, or a SQLite file',
    defaultText: 'SQLite file in the data dir',
  }),
  adminKey: setting(z.string().min(32).optional(), {
    env: 'COLONY_ADMIN_KEY',
    meaning:
      'preset owner key (≥ 32 chars); once revoked it is never restored: `serve` refuses to start until it is changed or unset',
    defaultText: 'generated on first start',
  }),
  logLevel: setting(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'), {
    env: 'COLONY_LOG_LEVEL',
    meaning: 'fatal, error, warn, info, debug, trace, silent',
  }),
  logFormat: setting(z.enum(['auto', 'pretty', 'json']).default('auto'), {
    env: 'COLONY_LOG_FORMAT',
    meaning: '`auto` = pretty in a terminal, JSON otherwise; or `pretty`, `json`',
  }),
  workers: setting(z.coerce.number().int().min(0).max(256).default(4), {
    env: 'COLONY_WORKERS',
    flag: '--workers',
    meaning: 'task handlers running at once in this process',
  }),
  noWorkers: setting(booleanish.default(false), {
    env: 'COLONY_NO_WORKERS',
    flag: '--no-workers',
    meaning: 'serve the API only (workers run elsewhere)',
  }),
  taskLeaseMs: setting(z.coerce.number().int().min(500).max(3_600_000).default(30_000), {
    env: 'COLONY_TASK_LEASE_MS',
    meaning: "task lease; a dead worker's task is reclaimed after it",
  }),
  databaseStatementTimeoutMs: setting(z.coerce.number().int().min(0).max(3_600_000).default(30_000), {
    env: 'COLONY_DATABASE_STATEMENT_TIMEOUT_MS',
    meaning:
      'Postgres: longest a statement runs, or a query waits for a pooled connection, before it fails as 503 `unavailable`; 0 = no limit',
  }),
  bodyLimitBytes: setting(z.coerce.number().int().min(1024).max(100_000_000).default(1_048_576), {
    env: 'COLONY_BODY_LIMIT_BYTES',
    meaning: 'largest request body (413 beyond)',
  }),
  rateLimitPerMinute: setting(z.coerce.number().int().min(0).default(1200), {
    env: 'COLONY_RATE_LIMIT_PER_MINUTE',
    meaning: 'requests per minute per API key (429 + `Retry-After`); 0 = off',
  }),
  redisUrl: setting(
    z
      .string()
      .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
      .optional(),
    {
      env: 'COLONY_REDIS_URL',
      meaning:
        '`redis://…`: one rate-limit budget per key shared by every API process (decision 0012); unset: per process',
    },
  ),
  natsUrl: setting(
    z
      .string()
      .regex(/^(nats|tls):\/\//, 'a nats:// or tls:// URL')
      .optional(),
    {
      env: 'COLONY_NATS_URL',
      meaning:
        '`nats://…` (JetStream): committed events wake SSE readers on every process at once and live text deltas reach them (decision 0032); unset: readers on other processes poll',
    },
  ),
  eventPollMs: setting(z.coerce.number().int().min(50).max(600_000).default(1000), {
    env: 'COLONY_EVENT_POLL_MS',
    meaning:
      'how often a waiting SSE reader re-reads the event log without a notice (events committed by another process, NATS down or unset)',
  }),
  shutdownGraceMs: setting(z.coerce.number().int().min(0).default(10_000), {
    env: 'COLONY_SHUTDOWN_GRACE_MS',
    meaning: 'on SIGTERM, how long in-flight steps may finish',
  }),
  recentWindowTokens: setting(z.coerce.number().int().min(256).default(8000), {
    env: 'COLONY_RECENT_WINDOW_TOKENS',
    meaning: "token budget of a run's recent message window",
  }),
  maxRunSteps: setting(z.coerce.number().int().min(1).max(200).default(16), {
    env: 'COLONY_MAX_RUN_STEPS',
    meaning: 'model steps per run (agents may set their own `limits.maxSteps`)',
  }),
  approvalTtlMs: setting(z.coerce.number().int().min(0).default(86_400_000), {
    env: 'COLONY_APPROVAL_TTL_MS',
    meaning:
      'how long a tool call waits for a human approval; then it is rejected and the model is told why (0: wait forever)',
  }),
  publicUrl: setting(z.url().optional(), {
    env: 'COLONY_PUBLIC_URL',
    meaning: 'the URL clients use, when behind a proxy',
  }),
  trustProxy: setting(booleanish.default(false), {
    env: 'COLONY_TRUST_PROXY',
    meaning:
      "record the client named first in `X-Forwarded-For` as an audit row's IP (only behind a proxy that sets it); otherwise the connection's peer",
  }),
  traceSqlMs: setting(z.coerce.number().nonnegative().optional(), {
    env: 'COLONY_TRACE_SQL_MS',
    meaning: 'SQLite: print every statement slower than this many ms to stderr (diagnostics)',
  }),
  backupDir: setting(z.string().min(1).optional(), {
    env: 'COLONY_BACKUP_DIR',
    meaning:
      'where `colony backup` writes and reads backups (a folder per backup); default `<dataDir>/backups`',
  }),
  secretsKey: secretsKeySetting,
  browser: browserSettings,
  memory: memorySettings,
  models: modelsSettings,
  tools: toolsSettings,
  mcp: mcpSettings,
  mcpServers: mcpServersSetting,
  webhooks: webhooksSettings,
});

/** Makes every property and array of `T` read-only, as the loaded config is frozen all the way down. */
export type DeepReadonly<T> =
  T extends ReadonlyArray<infer Item>
    ? ReadonlyArray<DeepReadonly<Item>>
    : T extends object
      ? { readonly [Key in keyof T]: DeepReadonly<T[Key]> }
      : T;

/** The loaded configuration: validated, defaults filled in, frozen. */
export type Config = DeepReadonly<z.output<typeof configSchema>>;
/** What a config file, the environment or flags may give (before defaults and coercion). */
export type ConfigInput = z.input<typeof configSchema>;

/** Any part of `T`, at any depth (arrays are replaced whole, not merged). */
export type DeepPartial<T> =
  T extends ReadonlyArray<unknown>
    ? T
    : T extends object
      ? { [Key in keyof T]?: DeepPartial<T[Key]> | undefined }
      : T;

/** What CLI flags or a caller of `loadConfig` set on top of the file and the environment. */
export type ConfigOverrides = DeepPartial<ConfigInput>;
