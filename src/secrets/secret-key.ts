import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSecretsKey } from '../config/index.js';
import { ColonyError } from '../errors/index.js';

/** The key that seals org secrets, and its id (stored with each version it seals). */
export interface SecretsKey {
  readonly key: Buffer;
  /** The first 8 bytes of the key's SHA-256, in hex: tells keys apart without revealing one. */
  readonly id: string;
  /** Where it came from, for the startup log: `COLONY_SECRETS_KEY` or the key file's path. */
  readonly source: string;
}

export const secretsKeyFileName = 'secrets.key';

export function secretsKeyOf(key: Buffer, source: string): SecretsKey {
  return { key, id: createHash('sha256').update(key).digest('hex').slice(0, 16), source };
}

export interface OpenSecretsKeyOptions {
  /** `COLONY_SECRETS_KEY` (already validated by the configuration). */
  configured?: string | undefined;
  dataDir: string;
  /**
   * Create `<dataDir>/secrets.key` when it is missing: only when the database lives in the data
   * dir too (the embedded SQLite file), so the key travels with it. A server on a shared database
   * never makes up a key of its own: another process would seal with a different one.
   */
  generate: boolean;
}

/**
 * The secrets key: `COLONY_SECRETS_KEY`, else `<dataDir>/secrets.key` (32 random bytes in base64,
 * created with mode 0600 when `generate` allows), else null (secrets cannot be stored or used;
 * see `checkSecretsKey` for what happens to a database that already holds some).
 *
 * @throws ColonyError `invalid_input` when the key file does not hold a 32-byte key.
 */
export function openSecretsKey(options: OpenSecretsKeyOptions): SecretsKey | null {
  if (options.configured !== undefined) {
    const key = decodeSecretsKey(options.configured);
    if (!key) throw new ColonyError('invalid_input', 'COLONY_SECRETS_KEY: must be 32 bytes, base64 or hex');
    return secretsKeyOf(key, 'COLONY_SECRETS_KEY');
  }
  const path = join(options.dataDir, secretsKeyFileName);
  if (existsSync(path)) {
    const key = decodeSecretsKey(readFileSync(path, 'utf8'));
    if (!key) {
      throw new ColonyError('invalid_input', `${path}: must hold a 32-byte key, base64 or hex`);
    }
    return secretsKeyOf(key, path);
  }
  if (!options.generate) return null;
  mkdirSync(options.dataDir, { recursive: true });
  const key = randomBytes(32);
  // `wx`: never overwrite a key another process wrote a moment ago.
  writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return secretsKeyOf(key, path);
}
