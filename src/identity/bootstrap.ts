import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Services, systemActor } from '../context/index.js';
import { ColonyError } from '../errors/index.js';
import { createApiKey } from './api-keys.js';
import { hashApiKey } from './key-material.js';
import { createOrg } from './orgs.js';

export interface BootstrapResult {
  orgId: string;
  /** The plaintext owner key when it was created by this call (shown once), otherwise null. */
  createdKey: string | null;
  keyFile: string;
}

/**
 * On first start: creates the default org and an owner key, writes the key to `keyFile`
 * (mode 0600) and returns it so the caller can print it once. `presetKey` (COLONY_ADMIN_KEY)
 * is registered instead of a random key, and is registered again if it is missing.
 *
 * A preset key that was revoked is never restored: the start is refused (decision 0017), since
 * bringing it back would undo a deliberate revocation by simply restarting the server.
 *
 * @throws ColonyError `conflict` when `presetKey` names a revoked key.
 */
export async function bootstrapIdentity(
  services: Services,
  options: { keyFile: string; presetKey?: string | undefined },
): Promise<BootstrapResult> {
  const existing = await services.database.db
    .selectFrom('org')
    .select('id')
    .orderBy('created_at')
    .executeTakeFirst();
  const orgId = existing?.id ?? (await createOrg(services, { name: 'default' })).id;
  const context = { services, actor: systemActor(orgId), signal: new AbortController().signal };
  if (options.presetKey) {
    const known = await services.database.db
      .selectFrom('api_key')
      .select(['id', 'revoked_at'])
      .where('secret_hash', '=', hashApiKey(options.presetKey))
      .executeTakeFirst();
    if (known && known.revoked_at !== null) {
      throw new ColonyError(
        'conflict',
        `COLONY_ADMIN_KEY names API key ${known.id}, which was revoked at ${new Date(Number(known.revoked_at)).toISOString()}; a revoked key is never restored. Set COLONY_ADMIN_KEY to a new value (at least 32 characters; it is registered as a new owner key) or unset it`,
      );
    }
    if (!known) {
      await createApiKey(
        context,
        { name: 'admin (COLONY_ADMIN_KEY)', role: 'owner' },
        { presetKey: options.presetKey },
      );
    }
    return { orgId, createdKey: null, keyFile: options.keyFile };
  }
  if (existing) return { orgId, createdKey: null, keyFile: options.keyFile };
  const { key } = await createApiKey(context, { name: 'admin', role: 'owner' });
  mkdirSync(dirname(options.keyFile), { recursive: true });
  writeFileSync(options.keyFile, `${key}\n`, { mode: 0o600 });
  chmodSync(options.keyFile, 0o600);
  return { orgId, createdKey: key, keyFile: options.keyFile };
}

/** Reads the admin key written at first start, if any. */
export function readKeyFile(path: string): string | null {
  if (!existsSync(path)) return null;
  const key = readFileSync(path, 'utf8').trim();
  return key === '' ? null : key;
}
