import { requireRole } from '../context/index.js';
import { ColonyError, fromZodError, invalidInput, notFound } from '../errors/index.js';
import { transact } from '../events/index.js';
import { recordAudit } from '../identity/index.js';
import { type GrantSecretInput, grantSecretInput, type SecretGrant } from './secret-schema.js';
import { chatExists, findAgentId, findSecretRow, toGrant } from './secret-store.js';
import type { SecretsContext } from './secrets.js';

async function secretOf(context: SecretsContext, idOrName: string) {
  const row = await findSecretRow(context.services.database.db, context.actor.orgId, idOrName);
  if (!row) throw notFound('secret', idOrName);
  return row;
}

/**
 * Lets an agent (every run of it) or a chat (every run in it) use a secret (admin).
 *
 * @example
 * await grantSecret(context, 'CRM_TOKEN', { agent: 'support' });
 */
export async function grantSecret(
  context: SecretsContext,
  idOrName: string,
  input: GrantSecretInput,
): Promise<SecretGrant> {
  requireRole(context.actor, 'admin');
  const parsed = grantSecretInput.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  const { services, actor } = context;
  const db = services.database.db;
  const secret = await secretOf(context, idOrName);
  let subject: { kind: 'agent' | 'chat'; id: string };
  if (parsed.data.agent !== undefined) {
    const agentId = await findAgentId(db, actor.orgId, parsed.data.agent);
    if (!agentId) throw invalidInput('agent', `no agent "${parsed.data.agent}" in this org`);
    subject = { kind: 'agent', id: agentId };
  } else {
    const chatId = parsed.data.chat ?? '';
    if (!(await chatExists(db, actor.orgId, chatId)))
      throw invalidInput('chat', `no chat "${chatId}" in this org`);
    subject = { kind: 'chat', id: chatId };
  }
  return transact(
    services,
    async (transaction, outbox) => {
      const existing = await transaction
        .selectFrom('secret_grant')
        .select('id')
        .where('secret_id', '=', secret.id)
        .where('subject_kind', '=', subject.kind)
        .where('subject_id', '=', subject.id)
        .executeTakeFirst();
      if (existing) {
        throw new ColonyError(
          'conflict',
          `the secret "${secret.name}" is already granted to this ${subject.kind}`,
        );
      }
      const row = {
        id: services.ids.next('sgr'),
        org_id: actor.orgId,
        secret_id: secret.id,
        subject_kind: subject.kind,
        subject_id: subject.id,
        created_by: actor.id,
        created_at: services.clock.now(),
      };
      await transaction.insertInto('secret_grant').values(row).execute();
      await recordAudit(transaction, services, actor, {
        action: 'secret.grant',
        resourceType: 'secret',
        resourceId: secret.id,
        details: { name: secret.name, subject: subject.kind, subjectId: subject.id },
      });
      await outbox.emit({
        type: 'secret-granted',
        orgId: actor.orgId,
        subjectId: secret.id,
        payload: { name: secret.name, subject: subject.kind, subjectId: subject.id },
      });
      return toGrant(row);
    },
    context.idempotency,
  );
}

/** The agents and chats a secret is granted to. */
export async function listSecretGrants(context: SecretsContext, idOrName: string): Promise<SecretGrant[]> {
  const secret = await secretOf(context, idOrName);
  const rows = await context.services.database.db
    .selectFrom('secret_grant')
    .selectAll()
    .where('secret_id', '=', secret.id)
    .orderBy('id', 'asc')
    .execute();
  return rows.map(toGrant);
}

/** Takes a grant back (admin): the next call of that agent or chat that needs the secret fails. */
export async function revokeSecretGrant(
  context: SecretsContext,
  idOrName: string,
  grantId: string,
): Promise<void> {
  requireRole(context.actor, 'admin');
  const { services, actor } = context;
  const secret = await secretOf(context, idOrName);
  await transact(services, async (transaction, outbox) => {
    const grant = await transaction
      .selectFrom('secret_grant')
      .selectAll()
      .where('id', '=', grantId)
      .where('secret_id', '=', secret.id)
      .executeTakeFirst();
    if (!grant) throw notFound('grant', grantId);
    await transaction.deleteFrom('secret_grant').where('id', '=', grant.id).execute();
    await recordAudit(transaction, services, actor, {
      action: 'secret.revoke',
      resourceType: 'secret',
      resourceId: secret.id,
      details: { name: secret.name, subject: grant.subject_kind, subjectId: grant.subject_id },
    });
    await outbox.emit({
      type: 'secret-revoked',
      orgId: actor.orgId,
      subjectId: secret.id,
      payload: {
        name: secret.name,
        subject: grant.subject_kind as 'agent' | 'chat',
        subjectId: grant.subject_id,
      },
    });
  });
}
