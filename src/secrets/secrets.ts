import { type Context, requireRole } from '../context/index.js';
import { ColonyError, fromZodError, notFound } from '../errors/index.js';
import { transact } from '../events/index.js';
import { recordAudit } from '../identity/index.js';
import type { Row } from '../storage/index.js';
import {
  type CreateSecretInput,
  createSecretInput,
  type RotateSecretInput,
  rotateSecretInput,
  type Secret,
} from './secret-schema.js';
import { findSecretRow, withDetails } from './secret-store.js';
import type { SecretVault } from './secret-vault.js';

export type SecretsContext = Context<{ secrets: SecretVault }>;

function nameTaken(name: string): ColonyError {
  return new ColonyError(
    'conflict',
    `a secret named "${name}" already exists: rotate it to change its value`,
    {
      fields: [{ path: 'name', message: 'already taken' }],
    },
  );
}

async function detailsOf(context: SecretsContext, row: Row<'secret'>): Promise<Secret> {
  const [secret] = await withDetails(context.services.database.db, [row]);
  if (!secret) throw notFound('secret', row.id);
  return secret;
}

/**
 * Stores a new org secret (admin), sealed with the process's key. The response, its event and
 * its audit row carry the name and version, never the value.
 *
 * @example
 * await createSecret(context, { name: 'CRM_TOKEN', value: token });
 */
export async function createSecret(context: SecretsContext, input: CreateSecretInput): Promise<Secret> {
  requireRole(context.actor, 'admin');
  const parsed = createSecretInput.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  const { services, actor } = context;
  const { name, value, description } = parsed.data;
  const sealed = services.secrets.seal(actor.orgId, name, value);
  const row = await transact(
    services,
    async (transaction, outbox) => {
      const taken = await transaction
        .selectFrom('secret')
        .select('id')
        .where('org_id', '=', actor.orgId)
        .where('name', '=', name)
        .executeTakeFirst();
      if (taken) throw nameTaken(name);
      const now = services.clock.now();
      const secret = {
        id: services.ids.next('sec'),
        org_id: actor.orgId,
        name,
        description,
        current_version: 1,
        created_by: actor.id,
        created_at: now,
        updated_at: now,
      };
      await transaction.insertInto('secret').values(secret).execute();
      await transaction
        .insertInto('secret_version')
        .values({
          id: services.ids.next('secv'),
          org_id: actor.orgId,
          secret_id: secret.id,
          version: 1,
          key_id: sealed.keyId,
          iv: sealed.iv,
          ciphertext: sealed.ciphertext,
          auth_tag: sealed.authTag,
          created_by: actor.id,
          created_at: now,
        })
        .execute();
      await recordAudit(transaction, services, actor, {
        action: 'secret.create',
        resourceType: 'secret',
        resourceId: secret.id,
        details: { name, version: 1 },
      });
      await outbox.emit({
        type: 'secret-created',
        orgId: actor.orgId,
        subjectId: secret.id,
        payload: { name, version: 1 },
      });
      return secret;
    },
    context.idempotency,
  );
  return detailsOf(context, row);
}

/** Gives a secret a new value (admin): a new version, used by every call from now on. */
export async function rotateSecret(
  context: SecretsContext,
  idOrName: string,
  input: RotateSecretInput,
): Promise<Secret> {
  requireRole(context.actor, 'admin');
  const parsed = rotateSecretInput.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  const { services, actor } = context;
  const current = await findSecretRow(services.database.db, actor.orgId, idOrName);
  if (!current) throw notFound('secret', idOrName);
  const sealed = services.secrets.seal(actor.orgId, current.name, parsed.data.value);
  const row = await transact(services, async (transaction, outbox) => {
    const version = Number(current.current_version) + 1;
    const now = services.clock.now();
    const updated = await transaction
      .updateTable('secret')
      .set({ current_version: version, updated_at: now })
      .where('id', '=', current.id)
      .where('current_version', '=', current.current_version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) {
      throw new ColonyError('conflict', 'the secret was rotated or deleted concurrently; retry');
    }
    await transaction
      .insertInto('secret_version')
      .values({
        id: services.ids.next('secv'),
        org_id: actor.orgId,
        secret_id: current.id,
        version,
        key_id: sealed.keyId,
        iv: sealed.iv,
        ciphertext: sealed.ciphertext,
        auth_tag: sealed.authTag,
        created_by: actor.id,
        created_at: now,
      })
      .execute();
    await recordAudit(transaction, services, actor, {
      action: 'secret.rotate',
      resourceType: 'secret',
      resourceId: current.id,
      details: { name: current.name, version },
    });
    await outbox.emit({
      type: 'secret-rotated',
      orgId: actor.orgId,
      subjectId: current.id,
      payload: { name: current.name, version },
    });
    return { ...current, current_version: version, updated_at: now };
  });
  return detailsOf(context, row);
}

/** Removes a secret, its versions and its grants (admin); tools that reference it fail from now on. */
export async function deleteSecret(context: SecretsContext, idOrName: string): Promise<void> {
  requireRole(context.actor, 'admin');
  const { services, actor } = context;
  const current = await findSecretRow(services.database.db, actor.orgId, idOrName);
  if (!current) throw notFound('secret', idOrName);
  await transact(services, async (transaction, outbox) => {
    await transaction.deleteFrom('secret_grant').where('secret_id', '=', current.id).execute();
    await transaction.deleteFrom('secret_version').where('secret_id', '=', current.id).execute();
    await transaction.deleteFrom('secret').where('id', '=', current.id).execute();
    await recordAudit(transaction, services, actor, {
      action: 'secret.delete',
      resourceType: 'secret',
      resourceId: current.id,
      details: { name: current.name },
    });
    await outbox.emit({
      type: 'secret-deleted',
      orgId: actor.orgId,
      subjectId: current.id,
      payload: { name: current.name },
    });
  });
}

/** A secret's metadata by id or name: versions and grants, never the value. */
export async function getSecret(context: SecretsContext, idOrName: string): Promise<Secret> {
  const row = await findSecretRow(context.services.database.db, context.actor.orgId, idOrName);
  if (!row) throw notFound('secret', idOrName);
  return detailsOf(context, row);
}

/** The org's secrets by id, a page at a time (metadata only). */
export async function listSecrets(
  context: SecretsContext,
  options: { limit?: number | undefined; after?: string | undefined } = {},
): Promise<{ secrets: Secret[]; nextCursor: string | null }> {
  const { services, actor } = context;
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
  let query = services.database.db.selectFrom('secret').selectAll().where('org_id', '=', actor.orgId);
  if (options.after !== undefined) query = query.where('id', '>', options.after);
  const rows = await query
    .orderBy('id', 'asc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  return {
    secrets: await withDetails(services.database.db, page),
    nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
  };
}
