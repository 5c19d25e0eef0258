/**
 * The closed set of error codes Colony uses. Each transport maps them once:
 * HTTP to a status code (see `http/errors.ts`), the CLI to an exit code.
 */
export const errorCodes = [
  'invalid_input',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'unprocessable',
  'rate_limited',
  'quota_exceeded',
  'unavailable',
  'canceled',
  'timeout',
  'internal',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface ErrorDetails {
  /** For validation errors: the offending fields, as dotted paths. */
  fields?: Array<{ path: string; message: string }>;
  /** Seconds after which a rate-limited caller may try again. */
  retryAfterSeconds?: number;
  [key: string]: unknown;
}

/**
 * The one error family of Colony. Use cases throw it; adapters map `code`.
 *
 * @example
 * throw new ColonyError('not_found', `agent ${id} not found`);
 */
export class ColonyError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;

  constructor(code: ErrorCode, message: string, details?: ErrorDetails, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ColonyError';
    this.code = code;
    this.details = details;
  }
}

/** Every caught `unknown` becomes an `Error`. */
export function coerceError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  if (typeof thrown === 'string') return new Error(thrown);
  try {
    return new Error(JSON.stringify(thrown));
  } catch {
    return new Error(String(thrown));
  }
}

export function isColonyError(thrown: unknown, code?: ErrorCode): thrown is ColonyError {
  return thrown instanceof ColonyError && (code === undefined || thrown.code === code);
}

export function notFound(what: string, id: string): ColonyError {
  return new ColonyError('not_found', `${what} ${id} not found`);
}

export function invalidInput(path: string, message: string): ColonyError {
  return new ColonyError('invalid_input', `${path}: ${message}`, { fields: [{ path, message }] });
}
