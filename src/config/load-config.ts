import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';
import type { z } from 'zod';
import { ColonyError } from '../errors/index.js';
import { deepFreeze, environmentLayer, keysOf, type Layer, mergeLayers } from './config-layers.js';
import { type Config, type ConfigOverrides, configSchema } from './schema.js';
import { settingsCatalog } from './settings-catalog.js';
import {
  describeUnknownKey,
  findUnknownKeys,
  isPlainObject,
  unknownEnvironmentWarnings,
} from './unknown-settings.js';

/**
 * The YAML parser, loaded only for a YAML config file. Together with loading pg only for Postgres
 * (storage/dialects/postgres.ts) this took about 4 MB off the idle RSS of `colony serve`.
 */
function parseYaml(text: string): unknown {
  return (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text);
}

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** Values from CLI flags (or a caller); they win over the file and the environment. */
  flags?: ConfigOverrides;
  /** Explicit config file; otherwise `colony.config.json|yaml|yml` in the working directory. */
  file?: string | undefined;
  cwd?: string;
  /** Receives a warning per unknown `COLONY_*` variable; default `process.emitWarning`. */
  warn?: (message: string) => void;
}

function invalidFile(path: string, message: string): ColonyError {
  return new ColonyError('invalid_input', `${path}: ${message}`, { fields: [{ path: '(root)', message }] });
}

/** Refuses a layer (the file's object, or flags) that names a setting that does not exist. */
function rejectUnknownKeys(layer: Layer, where: string): void {
  const unknown = findUnknownKeys(layer);
  if (unknown.length === 0) return;
  const fields = unknown.map((entry) => ({ path: entry.key, message: describeUnknownKey(entry) }));
  const summary = fields.map((field) => `${field.path}: ${field.message}`).join('; ');
  throw new ColonyError('invalid_input', `${where}: ${summary}`, { fields });
}

function readConfigFile(path: string): Layer {
  if (!existsSync(path)) throw invalidFile(path, 'config file not found');
  let parsed: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    parsed = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw invalidFile(path, `not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${String(error)}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isPlainObject(parsed)) throw invalidFile(path, 'the config file must hold an object');
  rejectUnknownKeys(parsed, path);
  return parsed;
}

function findConfigFile(cwd: string): string | undefined {
  for (const name of ['colony.config.json', 'colony.config.yaml', 'colony.config.yml']) {
    const path = join(cwd, name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** Where the value of the setting at `key` (or inside it) came from, for the error message. */
function sourceOf(key: string, sources: ReadonlyMap<string, string>): string | undefined {
  const entry = settingsCatalog.find((setting) => key === setting.key || key.startsWith(`${setting.key}.`));
  return entry ? sources.get(entry.key) : undefined;
}

function configError(error: z.ZodError, sources: ReadonlyMap<string, string>): ColonyError {
  const fields = error.issues.map((issue) => {
    const key = issue.path.map(String).join('.');
    const source = sourceOf(key, sources);
    const message = issue.code === 'unrecognized_keys' ? 'unknown setting' : issue.message;
    return { path: ['config', key].filter(Boolean).join('.'), message, source };
  });
  const summary = fields
    .map((field) => `${field.path}: ${field.message}${field.source ? ` (from ${field.source})` : ''}`)
    .join('; ');
  return new ColonyError('invalid_input', summary, {
    fields: fields.map(({ path, message }) => ({ path, message })),
  });
}

/**
 * Loads the configuration: defaults < config file < environment < CLI flags, validated by one
 * strict zod schema. An unknown key in the file is an error naming the closest setting; an
 * unknown `COLONY_*` variable is a warning. The result is frozen, all the way down.
 *
 * @example
 * const config = loadConfig({ env: { COLONY_PORT: '8080' }, flags: { memory: { keepRecent: 10 } } });
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const warn = options.warn ?? ((message: string) => process.emitWarning(message, 'ColonyConfigWarning'));
  const file = options.file ?? (env.COLONY_CONFIG || undefined) ?? findConfigFile(cwd);
  const filePath = file ? resolve(cwd, file) : undefined;
  const fromFile = filePath ? readConfigFile(filePath) : {};
  const fromEnv = environmentLayer(env);
  for (const warning of unknownEnvironmentWarnings(env)) warn(warning);
  const flags = (options.flags ?? {}) as Layer;
  rejectUnknownKeys(flags, 'flags');
  const sources = new Map<string, string>();
  for (const key of keysOf(fromFile)) sources.set(key, basename(filePath ?? ''));
  for (const [key, variable] of fromEnv.sources) sources.set(key, variable);
  for (const key of keysOf(flags)) {
    sources.set(key, settingsCatalog.find((entry) => entry.key === key)?.flag ?? 'flags');
  }
  const result = configSchema.safeParse(mergeLayers(mergeLayers(fromFile, fromEnv.layer), flags));
  if (!result.success) throw configError(result.error, sources);
  return deepFreeze({ ...result.data, dataDir: resolve(cwd, result.data.dataDir) });
}

/** The database URL in effect: the configured one, or the embedded SQLite file in the data dir. */
export function databaseUrlOf(config: Config): string {
  return config.databaseUrl ?? join(config.dataDir, 'colony.db');
}

/** The folder backups go to: `backupDir`, or `backups` in the data dir. */
export function backupDirOf(config: Config): string {
  return config.backupDir ?? join(config.dataDir, 'backups');
}
