import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ColonyError } from '../errors/index.js';
import type { SecretsKey } from './secret-key.js';

/** One sealed value, as `secret_version` stores it (base64 text). */
export interface SealedSecret {
  keyId: string;
  iv: string;
  ciphertext: string;
  authTag: string;
}

const algorithm = 'aes-256-gcm';
const ivBytes = 12;
const tagBytes = 16;

/** What binds a sealed value to its place: moved to another org or name, it no longer opens. */
function associatedData(orgId: string, name: string): Buffer {
  return Buffer.from(JSON.stringify(['colony-secret', orgId, name]), 'utf8');
}

/** Seals `value` with AES-256-GCM under a fresh random 12-byte IV, the org id and name as associated data. */
export function sealSecret(key: SecretsKey, orgId: string, name: string, value: string): SealedSecret {
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv(algorithm, key.key, iv, { authTagLength: tagBytes });
  cipher.setAAD(associatedData(orgId, name));
  const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return {
    keyId: key.id,
    iv: iv.toString('base64'),
    ciphertext: ciphertext.toString('base64'),
    authTag: cipher.getAuthTag().toString('base64'),
  };
}

/**
 * The value `sealed` holds.
 *
 * @throws ColonyError `conflict` when another key sealed it, `internal` when the stored bytes were
 *   changed (GCM's tag does not match): the value is never guessed at.
 */
export function openSecret(key: SecretsKey, orgId: string, name: string, sealed: SealedSecret): string {
  if (sealed.keyId !== key.id) {
    throw new ColonyError(
      'conflict',
      `the secret "${name}" was sealed with another key (id ${sealed.keyId}); this process has ${key.id}`,
    );
  }
  try {
    const decipher = createDecipheriv(algorithm, key.key, Buffer.from(sealed.iv, 'base64'), {
      authTagLength: tagBytes,
    });
    decipher.setAAD(associatedData(orgId, name));
    decipher.setAuthTag(Buffer.from(sealed.authTag, 'base64'));
    const plain = Buffer.concat([
      decipher.update(Buffer.from(sealed.ciphertext, 'base64')),
      decipher.final(),
    ]);
    return plain.toString('utf8');
  } catch {
    throw new ColonyError(
      'internal',
      `the stored secret "${name}" fails its integrity check (tampered or corrupt)`,
    );
  }
}
