import type { Actor, Role, Services } from '../context/index.js';
import { ColonyError } from '../errors/index.js';
import { hashApiKey, hashesEqual, prefixOf } from './key-material.js';

const lastUsedWriteIntervalMs = 60_000;
/** How long a verified key is trusted without a database read (revocations in this process apply at once). */
const cacheTtlMs = 5_000;
const cacheLimit = 10_000;

interface KeyRow {
  id: string;
  orgId: string;
  userId: string | null;
  role: Role;
}

/**
 * Resolves a bearer key to an actor, or throws `unauthenticated`. Verified keys are cached for
 * 5 s (dropped at once when this process revokes them; another process's revocation applies
 * within the TTL), and `last_used_at` is written at most once a minute per key, so
 * authentication usually costs no database work on the hot path.
 */
export function createAuthenticator(services: Services) {
  const lastWritten = new Map<string, number>();
  const verified = new Map<string, { row: KeyRow; expiresAt: number }>();
  services.bus.onStored((events) => {
    for (const event of events) {
      if (event.type !== 'api-key-revoked') continue;
      for (const [key, entry] of verified) if (entry.row.id === event.subjectId) verified.delete(key);
    }
  });

  async function lookup(key: string): Promise<KeyRow> {
    const now = services.clock.now();
    const cached = verified.get(key);
    if (cached && cached.expiresAt > now) return cached.row;
    const prefix = prefixOf(key) ?? `preset${hashApiKey(key).slice(0, 4)}`;
    const row = await services.database.db
      .selectFrom('api_key')
      .select(['id', 'org_id', 'user_id', 'role', 'secret_hash', 'revoked_at'])
      .where('prefix', '=', prefix)
      .executeTakeFirst();
    if (!row || !hashesEqual(row.secret_hash, hashApiKey(key))) {
      throw new ColonyError('unauthenticated', 'invalid API key');
    }
    if (row.revoked_at !== null) throw new ColonyError('unauthenticated', 'this API key has been revoked');
    const result: KeyRow = { id: row.id, orgId: row.org_id, userId: row.user_id, role: row.role as Role };
    if (verified.size >= cacheLimit) verified.clear();
    verified.set(key, { row: result, expiresAt: now + cacheTtlMs });
    return result;
  }

  return async function authenticate(
    key: string | undefined,
    request: { ip?: string | null; requestId?: string | null } = {},
  ): Promise<Actor> {
    if (!key) throw new ColonyError('unauthenticated', 'missing API key: send Authorization: Bearer <key>');
    const row = await lookup(key);
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
      orgId: row.orgId,
      role: row.role,
      userId: row.userId,
      ip: request.ip ?? null,
      requestId: request.requestId ?? null,
    };
  };
}

export type Authenticate = ReturnType<typeof createAuthenticator>;
