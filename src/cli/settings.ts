import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { type ColonyClient, createColonyClient } from '../client/index.js';
import { type Config, type ConfigOverrides, loadConfig } from '../config/index.js';
import type { CliIo } from './output.js';

/** The options every command accepts (defined on the program). */
export interface GlobalOptions {
  json?: boolean;
  url?: string;
  key?: string;
  config?: string;
  dataDir?: string;
  databaseUrl?: string;
}

/** What a failing command's error message may point at (filled in as the command resolves them). */
export interface ErrorHints {
  url?: string;
  keyFile?: string;
  keySource?: 'flag' | 'env' | 'file' | 'none';
}

export function globalsOf(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

/**
 * Loads the configuration with the global flags (and a command's own flags) on top. Unknown
 * `COLONY_*` variables are reported on stderr, and the command goes on.
 */
export function loadCliConfig(globals: GlobalOptions, io: CliIo, flags: ConfigOverrides = {}): Config {
  return loadConfig({
    env: io.env,
    file: globals.config,
    flags: { dataDir: globals.dataDir, databaseUrl: globals.databaseUrl, ...flags },
    warn: (message) => io.stderr.write(`warning: ${message}\n`),
  });
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * The server URL and API key a client command uses: `--url` / `COLONY_URL` / the configured host
 * and port; `--key` / `COLONY_API_KEY` / the admin key file in the data dir.
 */
export function resolveClient(globals: GlobalOptions, io: CliIo, hints: ErrorHints): ColonyClient {
  return createColonyClient(resolveEndpoint(globals, io, hints));
}

/** The server URL and API key of `resolveClient`, for commands that speak another protocol. */
export function resolveEndpoint(
  globals: GlobalOptions,
  io: CliIo,
  hints: ErrorHints,
): { baseUrl: string; apiKey: string | undefined } {
  const config = loadCliConfig(globals, io);
  const url = globals.url ?? io.env.COLONY_URL ?? `http://${hostForUrl(config.host)}:${config.port}`;
  // Where `colony serve` writes the admin key (server's `adminKeyFile`); read here without
  // loading the server, to keep client commands fast to start.
  const keyFile = join(config.dataDir, 'admin-key');
  hints.url = url;
  hints.keyFile = keyFile;
  let apiKey: string | undefined;
  if (globals.key) {
    apiKey = globals.key;
    hints.keySource = 'flag';
  } else if (io.env.COLONY_API_KEY) {
    apiKey = io.env.COLONY_API_KEY;
    hints.keySource = 'env';
  } else {
    apiKey = existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() || undefined : undefined;
    hints.keySource = apiKey ? 'file' : 'none';
  }
  return { baseUrl: url, apiKey };
}

/** Parses an integer option value for commander. */
export function integerOption(name: string, minimum = 0): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < minimum) {
      throw new InvalidArgumentError(`${name} must be an integer ≥ ${minimum}, got "${value}"`);
    }
    return parsed;
  };
}

/** Splits `a,b , c` into `['a','b','c']`; an empty string gives `[]`. */
export function listOption(value: string): string[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

const units: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `15m`, `2h`, `1d` → milliseconds; anything else → undefined. */
function parseDuration(value: string): number | undefined {
  const match = /^(\d+)([smhd])$/.exec(value.trim());
  return match?.[1] && match[2] ? Number(match[1]) * (units[match[2]] ?? 0) : undefined;
}

/** A commander option parser for a duration: `90s`, `15m`, `2h`, `1d` → milliseconds. */
export function durationOption(value: string): number {
  const duration = parseDuration(value);
  if (duration === undefined) {
    throw new InvalidArgumentError(`a duration such as 90s, 15m, 2h or 1d, got "${value}"`);
  }
  return duration;
}

/**
 * A point in time: an ISO date (`2026-12-01`, `2026-12-01T09:30Z`) or a duration back from now
 * (`90s`, `30m`, `24h`, `7d`), as epoch milliseconds.
 */
export function timeOption(name: string, now: () => number = Date.now): (value: string) => number {
  return (value) => {
    const back = parseDuration(value);
    if (back !== undefined) return now() - back;
    const parsed = Date.parse(value);
    if (Number.isNaN(parsed)) {
      throw new InvalidArgumentError(
        `${name} must be an ISO date (2026-12-01T09:30Z) or a duration back from now (30m, 24h, 7d), got "${value}"`,
      );
    }
    return parsed;
  };
}
