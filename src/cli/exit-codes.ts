import { CommanderError } from 'commander';
import { ColonyError, type ErrorCode } from '../errors/index.js';

/** The CLI's exit codes, mapped once from the error code (docs/cli.md has the table). */
export const exitCodeByErrorCode: Record<ErrorCode, number> = {
  internal: 1,
  invalid_input: 2,
  payload_too_large: 2,
  unsupported_media_type: 2,
  unprocessable: 2,
  unauthenticated: 3,
  forbidden: 4,
  not_found: 5,
  conflict: 6,
  canceled: 6,
  unavailable: 7,
  timeout: 7,
  rate_limited: 8,
  quota_exceeded: 8,
};

export const exitOk = 0;
export const exitUsage = 2;

/** The exit code for anything a command threw: usage errors are 2, unknown errors 1. */
export function exitCodeOf(thrown: unknown): number {
  if (thrown instanceof CommanderError) return thrown.exitCode === 0 ? exitOk : exitUsage;
  if (thrown instanceof ColonyError) return exitCodeByErrorCode[thrown.code];
  return 1;
}
