import type { MiddlewareHandler } from 'hono';
import type { ErrorCode } from '../../errors/index.js';

const typeByCode: Partial<Record<ErrorCode, string>> = {
  invalid_input: 'invalid_request_error',
  unprocessable: 'invalid_request_error',
  payload_too_large: 'invalid_request_error',
  unsupported_media_type: 'invalid_request_error',
  conflict: 'invalid_request_error',
  canceled: 'invalid_request_error',
  unauthenticated: 'authentication_error',
  forbidden: 'permission_error',
  not_found: 'not_found_error',
  rate_limited: 'rate_limit_error',
  quota_exceeded: 'rate_limit_error',
};

interface ColonyErrorBody {
  error?: { code?: string; message?: string; details?: { fields?: Array<{ path?: string }> } };
}

/** Colony's error body in OpenAI's shape: `{ error: { message, type, param, code, details? } }`. */
export function openAiErrorBody(code: string, message: string, details?: Record<string, unknown>) {
  const fields = (details as { fields?: Array<{ path?: unknown }> } | undefined)?.fields;
  const path = fields?.[0]?.path;
  // A body field is named as OpenAI does, without the `json.` of Colony's paths.
  const param = typeof path === 'string' ? path.replace(/^json\./, '') : null;
  return {
    error: {
      message,
      type: typeByCode[code as ErrorCode] ?? 'api_error',
      param,
      code,
      ...(details ? { details } : {}),
    },
  };
}

/**
 * Rewrites every error answered under the OpenAI-compatible routes (authentication, rate
 * limits, validation, the route's own) from Colony's shape into OpenAI's, so OpenAI clients
 * raise their typed errors. Registered before authentication.
 */
export const openAiErrorShape: MiddlewareHandler = async (http, next) => {
  await next();
  const response = http.res;
  if (response.status < 400 || !response.headers.get('Content-Type')?.includes('application/json')) return;
  const body = (await response.clone().json()) as ColonyErrorBody;
  if (typeof body.error?.code !== 'string') return;
  const headers = new Headers(response.headers);
  headers.delete('Content-Length');
  const shaped = openAiErrorBody(body.error.code, String(body.error.message ?? ''), body.error.details);
  http.res = undefined;
  http.res = new Response(JSON.stringify(shaped), { status: response.status, headers });
};
