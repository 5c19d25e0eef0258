import type { Actor, Role, Services } from '../context/index.js';
import { ColonyError } from '../errors/index.js';
import { prepareQuery } from '../storage/index.js';
import { hashApiKey, hashesEqual, prefixOf } from './key-material.js';

const lastUsedWriteIntervalMs = 60_000;

const keyByPrefix = prepareQuery((db, values: { prefix: string }) =>
  db
    .selectFrom('api_key')
    .select(['id', 'org_id', 'user_id', 'role', 'secret_hash', 'revoked_at'])
    .where('prefix', '=', values.prefix),
);

/**
 * Resolves a bearer key to an actor, or throws `unauthenticated`. Every request reads the key row
 * (one indexed lookup), so a revocation by any process applies to the next request. `last_used_at` is written at
 * most once a minute per key, so authentication stays a single indexed read on the hot path.
 */
export function createAuthenticator(services: Services) {
  const lastWritten = new Map<string, number>();
  return async function authenticate(
    key: string | undefined,
    request: { ip?: string | null; requestId?: string | null } = {},
  ): Promise<Actor> {
    if (!key) throw new ColonyError('unauthenticated', 'missing API key: send Authorization: Bearer <key>');
    const hash = hashApiKey(key);
    const prefix = prefixOf(key) ?? `preset${hash.slice(0, 4)}`;
    const [row] = (await keyByPrefix(services.database.db, { prefix })).rows;
    if (!row || !hashesEqual(row.secret_hash, hash)) {
      throw new ColonyError('unauthenticated', 'invalid API key');
    }
    if (row.revoked_at !== null) throw new ColonyError('unauthenticated', 'this API key has been revoked');
    const now = services.clock.now();
    if (now - (lastWritten.get(row.id) ?? 0) > lastUsedWriteIntervalMs) {
      lastWritten.set(row.id, now);
      void services.database.db
        .updateTable('api_key')
        .set({ last_used_at: now })
        .where('id', '=', row.id)
        .execute()
        .catch((error: unknown) => services.logger.warn({ err: error }, 'could not record api key use'));
    }
    return {
      kind: 'api_key',
      id: row.id,
      orgId: row.org_id,
      role: row.role as Role,
      userId: row.user_id,
      ip: request.ip ?? null,
      requestId: request.requestId ?? null,
    };
  };
}

export type Authenticate = ReturnType<typeof createAuthenticator>;
