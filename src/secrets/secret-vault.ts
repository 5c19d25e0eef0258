import type { Kysely } from 'kysely';
import { ColonyError } from '../errors/index.js';
import type { Schema } from '../storage/index.js';
import { openSecret, type SealedSecret, sealSecret } from './secret-cipher.js';
import type { SecretsKey } from './secret-key.js';

/** The process's secrets key behind seal and open: what `services.secrets` holds. */
export interface SecretVault {
  /** The key's id, or null when this process has no key. */
  readonly keyId: string | null;
  seal(orgId: string, name: string, value: string): SealedSecret;
  open(orgId: string, name: string, sealed: SealedSecret): string;
}

const noKey =
  'secrets need a key: set COLONY_SECRETS_KEY (32 bytes, base64 or hex: openssl rand -base64 32) on every process, or put it in <dataDir>/secrets.key';

/** A vault over `key`; without one, every seal and open is refused with how to set a key. */
export function createSecretVault(key: SecretsKey | null): SecretVault {
  const required = (): SecretsKey => {
    if (!key) throw new ColonyError('conflict', noKey);
    return key;
  };
  return {
    keyId: key?.id ?? null,
    seal: (orgId, name, value) => sealSecret(required(), orgId, name, value),
    open: (orgId, name, sealed) => openSecret(required(), orgId, name, sealed),
  };
}

/**
 * Refuses to start a process that could not open the secrets already stored: no key at all, or
 * another key than the one that sealed them. Better no start than secrets silently lost.
 *
 * @throws ColonyError `conflict` saying which key is missing.
 */
export async function checkSecretsKey(db: Kysely<Schema>, vault: SecretVault): Promise<void> {
  let query = db.selectFrom('secret_version').select('key_id');
  if (vault.keyId !== null) query = query.where('key_id', '<>', vault.keyId);
  const other = await query.limit(1).executeTakeFirst();
  if (!other) return;
  throw new ColonyError(
    'conflict',
    vault.keyId === null
      ? `the database holds secrets, but this process has no secrets key: ${noKey}; Colony does not start without it rather than lose them`
      : `the database holds secrets sealed with another key (id ${other.key_id}) than this process's (id ${vault.keyId}): give every process the same COLONY_SECRETS_KEY (or secrets.key); Colony does not start rather than lose them`,
  );
}
