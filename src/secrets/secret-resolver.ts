import type { Kysely } from 'kysely';
import { type Services, systemActor } from '../context/index.js';
import { ColonyError } from '../errors/index.js';
import { transact } from '../events/index.js';
import { recordAudit } from '../identity/index.js';
import type { Row, Schema } from '../storage/index.js';
import type { ResolvedSecrets, SecretResolver, ToolContext } from '../tools/index.js';
import { toSealed } from './secret-store.js';
import type { SecretVault } from './secret-vault.js';

interface Opened {
  row: Row<'secret'>;
  value: string;
}

async function currentValues(
  db: Kysely<Schema>,
  vault: SecretVault,
  orgId: string,
  names: readonly string[],
): Promise<Opened[]> {
  const rows = await db
    .selectFrom('secret')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('name', 'in', names)
    .execute();
  const missing = names.find((name) => !rows.some((row) => row.name === name));
  if (missing !== undefined) {
    throw new ColonyError('not_found', `the secret "${missing}" does not exist in this org`);
  }
  const versions = await db
    .selectFrom('secret_version')
    .selectAll()
    .where(
      'secret_id',
      'in',
      rows.map((row) => row.id),
    )
    .execute();
  return names.map((name) => {
    const row = rows.find((candidate) => candidate.name === name) as Row<'secret'>;
    const version = versions.find(
      (candidate) =>
        candidate.secret_id === row.id && Number(candidate.version) === Number(row.current_version),
    );
    if (!version)
      throw new ColonyError('internal', `the secret "${name}" has no version ${row.current_version}`);
    return { row, value: vault.open(orgId, name, toSealed(version)) };
  });
}

function resolvedOf(opened: Opened[]): ResolvedSecrets {
  return {
    values: new Map(opened.map(({ row, value }) => [row.name, value])),
    revision: opened.map(({ row }) => `${row.name}@${row.current_version}`).join(','),
  };
}

/**
 * Fills `{{secrets.NAME}}` for tools: a call gets the current value of each secret granted to its
 * run's agent or chat, and each use commits a `secret-used` event and a `secret.use` audit row
 * (name, version, tool, run; never the value) before the value is handed over.
 */
export function createSecretResolver(services: Services & { secrets: SecretVault }): SecretResolver {
  const db = () => services.database.db;
  return {
    async forToolCall(context: ToolContext, tool: string, names: readonly string[]) {
      const unique = [...new Set(names)];
      if (unique.length === 0) return resolvedOf([]);
      const rows = await db()
        .selectFrom('secret')
        .select(['id', 'name'])
        .where('org_id', '=', context.orgId)
        .where('name', 'in', unique)
        .execute();
      const missing = unique.find((name) => !rows.some((row) => row.name === name));
      if (missing !== undefined) {
        throw new ColonyError('not_found', `${tool}: the secret "${missing}" does not exist in this org`);
      }
      const grants = await db()
        .selectFrom('secret_grant')
        .select('secret_id')
        .where('org_id', '=', context.orgId)
        .where(
          'secret_id',
          'in',
          rows.map((row) => row.id),
        )
        .where((where) =>
          where.or([
            where.and([where('subject_kind', '=', 'agent'), where('subject_id', '=', context.agentId)]),
            where.and([where('subject_kind', '=', 'chat'), where('subject_id', '=', context.chatId)]),
          ]),
        )
        .execute();
      for (const name of unique) {
        const row = rows.find((candidate) => candidate.name === name);
        if (!row || !grants.some((grant) => grant.secret_id === row.id)) {
          throw new ColonyError(
            'forbidden',
            `${tool}: the secret "${name}" is not granted to this agent or to this chat; an admin can grant it (colony secret grant ${name} --agent <agent>)`,
          );
        }
      }
      const opened = await currentValues(db(), services.secrets, context.orgId, unique);
      const actor = systemActor(context.orgId, context.agentId);
      await transact(services, async (transaction, outbox) => {
        for (const { row } of opened) {
          const version = Number(row.current_version);
          await recordAudit(transaction, services, actor, {
            action: 'secret.use',
            resourceType: 'secret',
            resourceId: row.id,
            details: { name: row.name, version, tool, runId: context.runId, toolCallId: context.toolCallId },
          });
          await outbox.emit({
            type: 'secret-used',
            orgId: context.orgId,
            runId: context.runId,
            conversationId: context.chatId,
            subjectId: row.id,
            payload: { name: row.name, version, tool, runId: context.runId, toolCallId: context.toolCallId },
          });
        }
      });
      return resolvedOf(opened);
    },
    async forOrg(orgId, names) {
      const unique = [...new Set(names)];
      if (unique.length === 0) return resolvedOf([]);
      return resolvedOf(await currentValues(db(), services.secrets, orgId, unique));
    },
  };
}
