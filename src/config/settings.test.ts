import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configDefaults } from './config-defaults.js';
import { valueAt } from './config-table.js';
import { loadConfig } from './load-config.js';
import { settingsCatalog } from './settings-catalog.js';

/** A value other than the default for every setting, as its environment variable would hold it. */
const samples: Record<string, string> = {
  dataDir: '/srv/colony',
  host: '0.0.0.0',
  port: '8123',
  databaseUrl: 'postgres://colony@db/colony',
  adminKey: 'k'.repeat(40),
  logLevel: 'debug',
  logFormat: 'json',
  workers: '9',
  databaseStatementTimeoutMs: '12000',
  noWorkers: 'true',
  taskLeaseMs: '5000',
  bodyLimitBytes: '4096',
  rateLimitPerMinute: '60',
  redisUrl: 'redis://127.0.0.1:6379',
  natsUrl: 'nats://127.0.0.1:4222',
  eventPollMs: '250',
  shutdownGraceMs: '500',
  recentWindowTokens: '1024',
  maxRunSteps: '3',
  approvalTtlMs: '60000',
  publicUrl: 'https://colony.example.com/',
  trustProxy: 'true',
  traceSqlMs: '2.5',
  backupDir: '/srv/backups',
  secretsKey: 'a'.repeat(64),
  'browser.corsOrigins': 'https://app.example.com, http://localhost:5173',
  'browser.streamTokenTtlSeconds': '60',
  'browser.streamTokenSecret': 's'.repeat(40),
  'memory.windowMessages': '12',
  'memory.keepRecent': '3',
  'memory.contextTokens': '600',
  'memory.summaryMaxChars': '900',
  'memory.consolidateCron': '*/5 * * * *',
  'memory.anonymousScope': 'agent',
  'memory.embeddingModel': 'openai:text-embedding-3-small',
  'memory.embeddingBaseUrl': 'http://127.0.0.1:11434/v1',
  'memory.embeddingApiKey': 'local-key',
  'memory.embeddingDimensions': '768',
  'models.defaultModel': 'openai:gpt-4.1',
  'mcp.callTimeoutMs': '5000',
  'mcp.connectTimeoutMs': '3000',
  'mcp.toolsTtlMs': '1000',
  'mcp.maxConcurrentCalls': '2',
  'mcp.stdioCommands': 'node, npx',
  mcpServers: '{"docs":{"url":"https://mcp.example.com/mcp"}}',
  'models.prices': '{"compatible:llama3.1":{"inputPerMillion":0,"outputPerMillion":0.1}}',
  'models.openai.apiKey': 'sk-openai',
  'models.openai.baseUrl': 'http://proxy.example/v1',
  'models.anthropic.apiKey': 'sk-anthropic',
  'models.anthropic.baseUrl': 'http://proxy.example/anthropic',
  'models.compatible.baseUrl': 'http://127.0.0.1:11434/v1',
  'models.compatible.apiKey': 'ollama',
  'models.offline.delayMs': '250',
  'models.offline.callLogFile': '/tmp/calls.jsonl',
  'tools.http.allow': 'api.example.com, *.example.org',
  'tools.http.deny': 'evil.example.org',
  'tools.http.allowPrivate': 'true',
  'tools.http.maxResponseBytes': '2048',
  'tools.http.timeoutMs': '500',
  'tools.http.maxRedirects': '0',
  'tools.http.approval': 'always',
  'tools.javascript.timeLimitMs': '250',
  'tools.javascript.memoryLimitBytes': '8388608',
  'tools.javascript.maxOutputChars': '1000',
  'webhooks.allowPrivate': 'true',
  'webhooks.maxAttempts': '3',
  'webhooks.retryBaseMs': '100',
  'webhooks.retryMaxMs': '60000',
  'webhooks.timeoutMs': '2000',
  'webhooks.responseExcerptBytes': '512',
  'webhooks.pollIntervalMs': '250',
};

/** The config a setting's value depends on (a provider's base URL matters only with its key). */
const companions: Record<string, Record<string, string>> = {
  'models.openai.baseUrl': { OPENAI_API_KEY: 'sk' },
  'models.anthropic.baseUrl': { ANTHROPIC_API_KEY: 'sk' },
  'models.compatible.apiKey': { COLONY_COMPATIBLE_BASE_URL: 'http://127.0.0.1:11434/v1' },
  'models.defaultModel': { OPENAI_API_KEY: 'sk' },
};

function configFile(entry: (typeof settingsCatalog)[number], value: unknown, extra: Record<string, string>) {
  const directory = mkdtempSync(join(tmpdir(), 'colony-settings-'));
  const content: Record<string, unknown> = {};
  let node = content;
  for (const name of entry.path.slice(0, -1)) {
    node[name] = {};
    node = node[name] as Record<string, unknown>;
  }
  node[entry.path.at(-1) ?? ''] = value;
  writeFileSync(join(directory, 'colony.config.json'), JSON.stringify(content));
  return loadConfig({ env: extra, cwd: directory });
}

describe('every setting', () => {
  it('has a sample in this test', () => {
    expect(Object.keys(samples).sort()).toEqual(settingsCatalog.map((entry) => entry.key).sort());
  });

  it.each(settingsCatalog.map((entry) => [entry.key, entry] as const))(
    '%s is set alike by the config file and by its environment variable',
    (key, entry) => {
      const sample = samples[key] ?? '';
      const extra = companions[key] ?? {};
      const fromEnv = loadConfig({ env: { ...extra, [entry.env]: sample }, cwd: tmpdir() });
      const value = valueAt(fromEnv, entry.path);
      expect(value).not.toEqual(valueAt(configDefaults, entry.path));
      expect(valueAt(configFile(entry, value, extra), entry.path)).toEqual(value);
    },
  );
});

describe('nested settings', () => {
  it('read lists, booleans and numbers from the environment', () => {
    const { http } = loadConfig({
      env: {
        COLONY_HTTP_ALLOW: 'api.example.com, *.example.org',
        COLONY_HTTP_ALLOW_PRIVATE: '1',
        COLONY_HTTP_MAX_REDIRECTS: '0',
      },
      cwd: tmpdir(),
    }).tools;
    expect(http).toMatchObject({
      allow: ['api.example.com', '*.example.org'],
      allowPrivate: true,
      maxRedirects: 0,
    });
  });

  it.each([
    ['COLONY_HTTP_ALLOW_PRIVATE', 'yes', 'tools.http.allowPrivate'],
    ['COLONY_HTTP_MAX_BYTES', '-1', 'tools.http.maxResponseBytes'],
    ['COLONY_HTTP_TIMEOUT_MS', 'soon', 'tools.http.timeoutMs'],
    ['COLONY_HTTP_APPROVAL', 'sometimes', 'tools.http.approval'],
    ['COLONY_HTTP_ALLOW', 'http://example.com/', 'tools.http.allow'],
    ['COLONY_MODEL_PRICES', '{', 'models.prices'],
    ['COLONY_MODEL_PRICES', '{"x":{"inputPerMillion":1}}', 'models.prices'],
    ['COLONY_OFFLINE_DELAY_MS', '-5', 'models.offline.delayMs'],
    ['OPENAI_BASE_URL', 'not a url', 'models.openai.baseUrl'],
    ['COLONY_MEMORY_CONSOLIDATE_CRON', 'every hour', 'memory.consolidateCron'],
    ['COLONY_MEMORY_ANONYMOUS_SCOPE', 'team', 'memory.anonymousScope'],
    ['COLONY_EMBEDDING_MODEL', 'word2vec', 'memory.embeddingModel'],
  ])('name %s=%s as %s', (name, value, key) => {
    const load = () => loadConfig({ env: { OPENAI_API_KEY: 'sk', [name]: value }, cwd: tmpdir() });
    expect(load).toThrow(`config.${key}`);
    expect(load).toThrow(`(from ${name})`);
  });

  it('require the base URL and dimensions of an openai-compatible embedding model', () => {
    const load = (env: NodeJS.ProcessEnv) =>
      loadConfig({
        env: { COLONY_EMBEDDING_MODEL: 'openai-compatible:nomic-embed-text', ...env },
        cwd: tmpdir(),
      });
    expect(() => load({})).toThrow('config.memory.embeddingBaseUrl');
    expect(() => load({ COLONY_EMBEDDING_BASE_URL: 'http://127.0.0.1:11434/v1' })).toThrow(
      'config.memory.embeddingDimensions',
    );
    expect(
      load({ COLONY_EMBEDDING_BASE_URL: 'http://127.0.0.1:11434/v1', COLONY_EMBEDDING_DIMENSIONS: '768' })
        .memory,
    ).toMatchObject({ embeddingModel: 'openai-compatible:nomic-embed-text', embeddingDimensions: 768 });
  });

  it('configure a provider only when it has its key (or, compatible, its URL)', () => {
    const models = loadConfig({
      env: { OPENAI_BASE_URL: 'http://proxy.example/v1', COLONY_COMPATIBLE_API_KEY: 'k' },
      cwd: tmpdir(),
    }).models;
    expect(models.openai).toBeUndefined();
    expect(models.compatible).toBeUndefined();
    const configured = loadConfig({ env: { ANTHROPIC_API_KEY: 'sk-a' }, cwd: tmpdir() }).models;
    expect(configured.anthropic).toEqual({ apiKey: 'sk-a', baseUrl: undefined });
  });

  it('keep memory.keepRecent below the window: half of a small window, an error when set too high', () => {
    const memory = (env: NodeJS.ProcessEnv) => loadConfig({ env, cwd: tmpdir() }).memory;
    expect(memory({ COLONY_MEMORY_WINDOW_MESSAGES: '10' }).keepRecent).toBe(5);
    expect(memory({ COLONY_MEMORY_WINDOW_MESSAGES: '100' }).keepRecent).toBe(20);
    expect(() => memory({ COLONY_MEMORY_WINDOW_MESSAGES: '10', COLONY_MEMORY_KEEP_RECENT: '10' })).toThrow(
      /config\.memory\.keepRecent: must be less than memory\.windowMessages \(10\)/,
    );
    expect(memory({ COLONY_MEMORY_CONSOLIDATE_CRON: 'off' }).consolidateCron).toBeNull();
  });
});
