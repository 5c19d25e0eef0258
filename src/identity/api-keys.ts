import type { Kysely } from 'kysely';
import { z } from 'zod';
import { atLeast, type Context, type Role, requireRole, roles } from '../context/index.js';
import { ColonyError, fromZodError, notFound } from '../errors/index.js';
import { transact } from '../events/index.js';
import type { Row, Schema } from '../storage/index.js';
import { recordAudit } from './audit.js';
import { generateApiKey, hashApiKey, prefixOf } from './key-material.js';

export interface ApiKey {
  id: string;
  orgId: string;
  name: string;
  prefix: string;
  role: Role;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export function toApiKey(row: Row<'api_key'>): ApiKey {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    prefix: row.prefix,
    role: row.role as Role,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

export const createApiKeyInput = z.object({
  name: z.string().trim().min(1).max(100),
  role: z.enum(roles).default('member'),
});

/**
 * Creates an API key. The plaintext is returned once and never stored. A caller cannot mint a
 * key with a higher role than its own.
 */
export async function createApiKey(
  context: Context,
  input: z.input<typeof createApiKeyInput>,
  options: { presetKey?: string } = {},
): Promise<{ apiKey: ApiKey; key: string }> {
  requireRole(context.actor, 'admin');
  const parsed = createApiKeyInput.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  if (!atLeast(context.actor.role, parsed.data.role)) {
    throw new ColonyError(
      'forbidden',
      `a ${context.actor.role} cannot create a key with the ${parsed.data.role} role`,
    );
  }
  const { services, actor } = context;
  const generated = generateApiKey();
  const key = options.presetKey ?? generated.key;
  const prefix = options.presetKey
    ? (prefixOf(key) ?? `preset${hashApiKey(key).slice(0, 4)}`)
    : generated.prefix;
  const row: Row<'api_key'> = {
    id: services.ids.next('key'),
    org_id: actor.orgId,
    user_id: actor.userId ?? null,
    name: parsed.data.name,
    prefix,
    secret_hash: hashApiKey(key),
    role: parsed.data.role,
    created_by: actor.id,
    created_at: services.clock.now(),
    last_used_at: null,
    revoked_at: null,
  };
  return transact(
    services,
    async (transaction, outbox) => {
      await transaction.insertInto('api_key').values(row).execute();
      await recordAudit(transaction, services, actor, {
        action: 'api-key.create',
        resourceType: 'api_key',
        resourceId: row.id,
        details: { name: row.name, role: row.role, prefix: row.prefix },
      });
      await outbox.emit({
        type: 'api-key-created',
        orgId: actor.orgId,
        subjectId: row.id,
        payload: { prefix },
      });
      return { apiKey: toApiKey(row), key };
    },
    context.idempotency,
  );
}

export async function listApiKeys(context: Context): Promise<ApiKey[]> {
  requireRole(context.actor, 'admin');
  const rows = await context.services.database.db
    .selectFrom('api_key')
    .selectAll()
    .where('org_id', '=', context.actor.orgId)
    .orderBy('created_at', 'asc')
    .execute();
  return rows.map(toApiKey);
}

/**
 * Revokes a key of the caller's org. Revocation takes effect on the next request.
 *
 * A role may revoke only keys of roles at or below its own (an admin cannot lock out an owner),
 * and the last active owner key of an org cannot be revoked: create another owner key first.
 *
 * @throws ColonyError `forbidden` for a key above the caller's role, `conflict` for the last owner key.
 */
export async function revokeApiKey(context: Context, idOrPrefix: string): Promise<ApiKey> {
  requireRole(context.actor, 'admin');
  const { services, actor } = context;
  return transact(services, async (transaction, outbox) => {
    const row = await transaction
      .selectFrom('api_key')
      .selectAll()
      .where('org_id', '=', actor.orgId)
      .where((builder) => builder.or([builder('id', '=', idOrPrefix), builder('prefix', '=', idOrPrefix)]))
      .executeTakeFirst();
    if (!row) throw notFound('api key', idOrPrefix);
    const role = row.role as Role;
    if (!atLeast(actor.role, role)) {
      throw new ColonyError(
        'forbidden',
        `the caller's ${actor.role} role cannot revoke a key with the ${role} role: a role may revoke only keys of roles at or below its own`,
      );
    }
    if (row.revoked_at !== null) return toApiKey(row);
    if (role === 'owner') await requireAnotherOwner(transaction, actor.orgId, row.id);
    const now = services.clock.now();
    await transaction.updateTable('api_key').set({ revoked_at: now }).where('id', '=', row.id).execute();
    await recordAudit(transaction, services, actor, {
      action: 'api-key.revoke',
      resourceType: 'api_key',
      resourceId: row.id,
    });
    await outbox.emit({ type: 'api-key-revoked', orgId: actor.orgId, subjectId: row.id, payload: {} });
    return toApiKey({ ...row, revoked_at: now });
  });
}

/**
 * Throws `conflict` unless the org keeps an active owner key besides `keyId`. The no-op update
 * row-locks every active owner key of the org first (Postgres; SQLite has a single writer), so two
 * owners revoking each other's keys at once cannot both succeed.
 */
async function requireAnotherOwner(transaction: Kysely<Schema>, orgId: string, keyId: string): Promise<void> {
  const owners = await transaction
    .updateTable('api_key')
    .set((builder) => ({ revoked_at: builder.ref('revoked_at') }))
    .where('org_id', '=', orgId)
    .where('role', '=', 'owner')
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute();
  if (owners.every((owner) => owner.id === keyId)) {
    throw new ColonyError(
      'conflict',
      'this is the last active owner key of the org; create another owner key before revoking it',
    );
  }
}
