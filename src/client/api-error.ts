import { ColonyError, type ErrorCode, type ErrorDetails, errorCodes } from '../errors/index.js';

/**
 * A `ColonyError` raised by the client: the code, message and details of the API error body,
 * plus the HTTP status (0 when the server could not be reached at all).
 */
export class ColonyApiError extends ColonyError {
  readonly status: number;

  constructor(
    status: number,
    code: ErrorCode,
    message: string,
    details?: ErrorDetails,
    options?: { cause?: unknown },
  ) {
    super(code, message, details, options);
    this.name = 'ColonyApiError';
    this.status = status;
  }
}

const codeByStatus: Record<number, ErrorCode> = {
  400: 'invalid_input',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
  503: 'unavailable',
  504: 'timeout',
};

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (errorCodes as readonly string[]).includes(value);
}

/** Builds the error for a non-2xx response from its `{ error: { code, message, details? } }` body. */
export async function errorFromResponse(response: Response): Promise<ColonyApiError> {
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const fallbackCode = codeByStatus[response.status] ?? (response.status >= 500 ? 'unavailable' : 'internal');
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const error: unknown = body.error;
    if (typeof error === 'object' && error !== null) {
      const code = 'code' in error && isErrorCode(error.code) ? error.code : fallbackCode;
      const message =
        'message' in error && typeof error.message === 'string' ? error.message : response.statusText;
      const details =
        'details' in error && typeof error.details === 'object' && error.details !== null
          ? (error.details as ErrorDetails)
          : undefined;
      return new ColonyApiError(response.status, code, message, details);
    }
  }
  const message = text.trim().slice(0, 200) || `HTTP ${response.status} ${response.statusText}`.trim();
  return new ColonyApiError(response.status, fallbackCode, message);
}

/** The error for a request that never got a response (connection refused, DNS, reset). */
export function unreachable(baseUrl: string, thrown: unknown): ColonyApiError {
  const cause = thrown instanceof Error && thrown.cause instanceof Error ? thrown.cause : thrown;
  const reason =
    typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string'
      ? cause.code
      : cause instanceof Error
        ? cause.message
        : String(cause);
  return new ColonyApiError(
    0,
    'unavailable',
    `cannot reach Colony at ${baseUrl} (${reason})`,
    { url: baseUrl },
    { cause: thrown },
  );
}
