import type { Role } from '../../context/index.js';
import { createApiKey } from '../../identity/index.js';
import type { HttpHarness } from './http-harness.js';

/** A user of an org and an API key that carries that user's id. */
export interface UserKey {
  userId: string;
  orgId: string;
  key: string;
}

/** Creates a user in `orgId` (default: the harness's main org) and a key tied to that user. */
export async function createUserKey(
  harness: HttpHarness,
  options: { orgId?: string; role?: Role } = {},
): Promise<UserKey> {
  const { services } = harness.colony;
  const orgId = options.orgId ?? harness.orgId;
  const role = options.role ?? 'member';
  const userId = services.ids.next('usr');
  await services.database.db
    .insertInto('user_account')
    .values({
      id: userId,
      org_id: orgId,
      email: `${userId}@example.com`,
      name: userId,
      role,
      created_at: services.clock.now(),
    })
    .execute();
  const { key } = await createApiKey(
    {
      services,
      actor: { kind: 'user', id: userId, orgId, role: 'owner', userId },
      signal: new AbortController().signal,
    },
    { name: `key of ${userId}`, role },
  );
  return { userId, orgId, key };
}

/** The id of the harness's other org (the one `keys.otherOrg` belongs to). */
export async function otherOrgId(harness: HttpHarness): Promise<string> {
  const row = await harness.colony.database.db
    .selectFrom('org')
    .select('id')
    .where('id', '!=', harness.orgId)
    .orderBy('created_at')
    .executeTakeFirstOrThrow();
  return row.id;
}
