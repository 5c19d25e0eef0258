import { CommanderError } from 'commander';
import { ColonyApiError } from '../client/index.js';
import { ColonyError, coerceError } from '../errors/index.js';
import { exitCodeOf } from './exit-codes.js';
import type { CliIo } from './output.js';
import type { ErrorHints } from './settings.js';

function hintFor(error: ColonyError, hints: ErrorHints): string {
  if (error instanceof ColonyApiError && error.status === 0 && error.code === 'unavailable') {
    return ` — is \`colony serve\` running at ${hints.url ?? error.details?.url ?? 'the URL'}? (set --url or COLONY_URL)`;
  }
  if (error.code === 'unauthenticated') {
    if (hints.keySource === 'none') {
      return ` — no API key: pass --key, set COLONY_API_KEY, or start \`colony serve\` once to create ${hints.keyFile ?? 'the admin key'}`;
    }
    if (hints.keySource === 'file')
      return ` (the key came from ${hints.keyFile}; pass --key or set COLONY_API_KEY)`;
  }
  return '';
}

/**
 * Prints one clear line on stderr (a JSON error body with `--json`) and returns the exit code.
 * Commander usage errors were already printed by commander.
 */
export function reportError(thrown: unknown, io: CliIo, json: boolean, hints: ErrorHints): number {
  const code = exitCodeOf(thrown);
  if (thrown instanceof CommanderError) return code;
  const error =
    thrown instanceof ColonyError
      ? thrown
      : new ColonyError('internal', coerceError(thrown).message, undefined, { cause: thrown });
  const message = `${error.message}${hintFor(error, hints)}`;
  if (json) {
    const details = error.details ? { details: error.details } : {};
    io.stderr.write(`${JSON.stringify({ error: { code: error.code, message, ...details } })}\n`);
  } else {
    io.stderr.write(`error: ${message}\n`);
  }
  if (error.code === 'internal' && io.env.COLONY_DEBUG)
    io.stderr.write(`${coerceError(error.cause ?? error).stack ?? ''}\n`);
  return code;
}
