import { z } from 'zod';
import { listOf, setting } from './setting.js';

const origin = z
  .string()
  .regex(
    /^(\*|https?:\/\/[a-z0-9.[\]:_-]+)$/i,
    'origins are "https://app.example.com" (scheme, host, port) or "*"',
  );

/** `browser.*`: what lets a web page call the API and read its streams. */
export const browserSettings = z
  .strictObject({
    corsOrigins: setting(listOf(origin).default([]), {
      env: 'COLONY_CORS_ORIGINS',
      meaning:
        'web origins allowed to call the API from a browser (CORS; `*` any; comma-separated in the environment); preflights are answered without a key',
      defaultText: 'none (no CORS headers)',
    }),
    streamTokenTtlSeconds: setting(z.coerce.number().int().min(10).max(86_400).default(300), {
      env: 'COLONY_STREAM_TOKEN_TTL_S',
      meaning:
        'lifetime of a stream token (`POST /v1/stream-tokens`), which an `EventSource` sends as `?access_token=` instead of a key',
    }),
    streamTokenSecret: setting(z.string().min(32).optional(), {
      env: 'COLONY_STREAM_TOKEN_SECRET',
      meaning: 'signs stream tokens (≥ 32 chars); give every node the same one so any node accepts them',
      defaultText: 'random per process',
    }),
  })
  .prefault({});
