import { z } from 'zod';
import { fromZodError } from '../errors/index.js';
import { defaultHttpToolConfig } from './http/http-config.js';
import type { ToolsConfig } from './tool-registry.js';

const hostList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== ''),
  )
  .pipe(
    z.array(
      z.string().regex(/^(\*\.)?[a-z0-9.:[\]_-]+$/i, 'host patterns are "example.com" or "*.example.com"'),
    ),
  );
const booleanText = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');
const positiveInteger = z.coerce.number().int().positive();
const count = z.coerce.number().int().nonnegative();

function read<T>(env: NodeJS.ProcessEnv, name: string, schema: z.ZodType<T>, fallback: T): T {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw fromZodError(parsed.error, name);
  return parsed.data;
}

/**
 * Builds the tools configuration from environment variables: `COLONY_HTTP_ALLOW` and
 * `COLONY_HTTP_DENY` (comma-separated host patterns), `COLONY_HTTP_ALLOW_PRIVATE` (true/false),
 * `COLONY_HTTP_MAX_BYTES`, `COLONY_HTTP_TIMEOUT_MS`, `COLONY_HTTP_MAX_REDIRECTS` and
 * `COLONY_HTTP_APPROVAL` (never/always). Unset or empty values take the defaults.
 *
 * @throws ColonyError `invalid_input` naming the variable when a value is malformed.
 */
export function toolsConfigFromEnv(env: NodeJS.ProcessEnv): ToolsConfig {
  const defaults = defaultHttpToolConfig;
  return {
    http: {
      allow: read(env, 'COLONY_HTTP_ALLOW', hostList, [...defaults.allow]),
      deny: read(env, 'COLONY_HTTP_DENY', hostList, [...defaults.deny]),
      allowPrivate: read(env, 'COLONY_HTTP_ALLOW_PRIVATE', booleanText, defaults.allowPrivate),
      maxResponseBytes: read(env, 'COLONY_HTTP_MAX_BYTES', positiveInteger, defaults.maxResponseBytes),
      timeoutMs: read(env, 'COLONY_HTTP_TIMEOUT_MS', positiveInteger, defaults.timeoutMs),
      maxRedirects: read(env, 'COLONY_HTTP_MAX_REDIRECTS', count, defaults.maxRedirects),
      approval: read(env, 'COLONY_HTTP_APPROVAL', z.enum(['never', 'always']), defaults.approval),
    },
  };
}
