import { z } from 'zod';
import { booleanish, listOf, setting } from './setting.js';

const hostPattern = z
  .string()
  .regex(/^(\*\.)?[a-z0-9.:[\]_-]+$/i, 'host patterns are "example.com" or "*.example.com"');

/** `tools.http.*`: egress policy and limits of `http_request` (the tools capability's `HttpToolConfig`). */
const httpSettings = z
  .strictObject({
    allow: setting(listOf(hostPattern).default([]), {
      env: 'COLONY_HTTP_ALLOW',
      meaning:
        '`http_request` may call only these hosts (`example.com`, `*.example.com`; a list, comma-separated in the environment)',
      defaultText: 'any public host',
    }),
    deny: setting(listOf(hostPattern).default([]), {
      env: 'COLONY_HTTP_DENY',
      meaning: '`http_request` may never call these hosts; beats `tools.http.allow`',
      defaultText: 'none',
    }),
    allowPrivate: setting(booleanish.default(false), {
      env: 'COLONY_HTTP_ALLOW_PRIVATE',
      meaning: '`http_request` may call private, loopback and link-local addresses',
    }),
    maxResponseBytes: setting(z.coerce.number().int().positive().default(1_000_000), {
      env: 'COLONY_HTTP_MAX_BYTES',
      meaning:
        'response bytes `http_request` keeps; the rest is cut and marked truncated (the body is then fitted into a tool output of 64,000 characters: see [Limits](docs/API.md#limits))',
    }),
    timeoutMs: setting(z.coerce.number().int().positive().default(10_000), {
      env: 'COLONY_HTTP_TIMEOUT_MS',
      meaning: 'deadline of one `http_request`, redirects included',
    }),
    maxRedirects: setting(z.coerce.number().int().nonnegative().default(3), {
      env: 'COLONY_HTTP_MAX_REDIRECTS',
      meaning: 'redirects `http_request` follows (each one re-checked)',
    }),
    approval: setting(z.enum(['never', 'always', 'mutating']).default('mutating'), {
      env: 'COLONY_HTTP_APPROVAL',
      meaning:
        'approval of `http_request` calls for agents without their own policy: `mutating` (POST, PUT, PATCH and DELETE wait for a human), `always` or `never`',
    }),
  })
  .prefault({});

/** `tools.javascript.*`: limits of `run_javascript` (the tools capability's `JavaScriptToolConfig`). */
const javascriptSettings = z
  .strictObject({
    timeLimitMs: setting(z.coerce.number().int().min(10).max(60_000).default(1_000), {
      env: 'COLONY_JS_TIME_LIMIT_MS',
      meaning:
        'time one `run_javascript` call may run before it is interrupted (it holds a thread meanwhile)',
    }),
    memoryLimitBytes: setting(
      z.coerce
        .number()
        .int()
        .min(1024 * 1024)
        .max(1024 * 1024 * 1024)
        .default(32 * 1024 * 1024),
      {
        env: 'COLONY_JS_MEMORY_LIMIT_BYTES',
        meaning: 'heap one `run_javascript` call may allocate; past it the script stops with an error',
      },
    ),
    maxOutputChars: setting(z.coerce.number().int().positive().max(1_000_000).default(20_000), {
      env: 'COLONY_JS_MAX_OUTPUT_CHARS',
      meaning: 'characters of console output `run_javascript` keeps; the rest is cut with a marker',
    }),
  })
  .prefault({});

/** `tools.*`: configuration of the built-in tools (the tools capability's `ToolsConfig`). */
export const toolsSettings = z
  .strictObject({ http: httpSettings, javascript: javascriptSettings })
  .prefault({});
