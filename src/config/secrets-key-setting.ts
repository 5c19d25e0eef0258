import { z } from 'zod';
import { setting } from './setting.js';

const hexKey = /^[0-9a-fA-F]{64}$/;
const base64Key = /^[A-Za-z0-9+/]{43}=$/;
const base64UrlKey = /^[A-Za-z0-9_-]{43}=?$/;

/**
 * The 32 bytes a secrets key text stands for: 64 hex digits or 44 base64 (or base64url)
 * characters, surrounding whitespace ignored; undefined for anything else.
 *
 * @example
 * decodeSecretsKey(randomBytes(32).toString('base64')); // a 32-byte Buffer
 */
export function decodeSecretsKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (hexKey.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (base64Key.test(trimmed)) return Buffer.from(trimmed, 'base64');
  if (base64UrlKey.test(trimmed)) return Buffer.from(trimmed, 'base64url');
  return undefined;
}

export const secretsKeySetting = setting(
  z
    .string()
    .refine((text) => decodeSecretsKey(text) !== undefined, {
      message: 'must be 32 bytes as 64 hex digits or 44 base64 characters (openssl rand -base64 32)',
    })
    .optional(),
  {
    env: 'COLONY_SECRETS_KEY',
    meaning:
      "AES-256-GCM key of org secrets: 32 bytes, base64 or hex; without it `<dataDir>/secrets.key` is used (generated, mode 0600, when the database is the data dir's SQLite file)",
    defaultText: 'the key file',
  },
);
