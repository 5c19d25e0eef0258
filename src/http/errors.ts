import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ColonyError, coerceError, type ErrorCode } from '../errors/index.js';
import type { Logger } from '../observability/index.js';
// biome-ignore lint/style/noRestrictedImports: the one error handler maps a database outage to 503, and only storage knows its drivers' error codes.
import { databaseUnavailable } from '../storage/index.js';

const statusByCode: Record<ErrorCode, ContentfulStatusCode> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  quota_exceeded: 429,
  canceled: 409,
  timeout: 504,
  unavailable: 503,
  internal: 500,
};

export function statusOf(code: ErrorCode): ContentfulStatusCode {
  return statusByCode[code];
}

/** The one error body of the API: `{ error: { code, message, details? } }`. */
export function errorBody(error: ColonyError) {
  return {
    error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) },
  };
}

function fromHttpException(exception: HTTPException): ColonyError {
  if (exception.status === 413) return new ColonyError('payload_too_large', 'request body is too large');
  if (exception.status === 415)
    return new ColonyError('unsupported_media_type', exception.message || 'unsupported media type');
  if (exception.status === 401)
    return new ColonyError('unauthenticated', exception.message || 'unauthenticated');
  if (exception.status === 400) {
    return new ColonyError('invalid_input', exception.message || 'malformed request', {
      fields: [{ path: 'body', message: exception.message || 'malformed request' }],
    });
  }
  if (exception.status === 404) return new ColonyError('not_found', exception.message || 'not found');
  return new ColonyError('internal', exception.message);
}

/**
 * Maps anything thrown by a route to the error body and status; logs server-side failures. A
 * database outage (unreachable, busy, full, timed out) is 503 `unavailable` with `Retry-After`.
 */
export function respondWithError(context: Context, thrown: unknown, logger: Logger): Response {
  const outage = thrown instanceof ColonyError ? undefined : databaseUnavailable(thrown);
  const error =
    thrown instanceof ColonyError
      ? thrown
      : thrown instanceof HTTPException
        ? fromHttpException(thrown)
        : (outage ?? new ColonyError('internal', 'internal error', undefined, { cause: thrown }));
  const status = statusOf(error.code);
  if (outage) {
    // Weather, not a bug: one line without a stack (every request of an outage gets here).
    logger.warn(
      {
        requestId: context.get('requestId'),
        outage: outage.details?.database,
        error: coerceError(thrown).message,
      },
      'request failed: database unavailable',
    );
  } else if (status >= 500) {
    logger.error(
      { err: coerceError(error.cause ?? error), requestId: context.get('requestId') },
      'request failed',
    );
  }
  if (error.details?.retryAfterSeconds !== undefined) {
    context.header('Retry-After', String(Math.ceil(error.details.retryAfterSeconds)));
  }
  return context.json(errorBody(error), status);
}
