import type { Kysely } from 'kysely';
import type { Row, Schema } from '../storage/index.js';
import type { SealedSecret } from './secret-cipher.js';
import type { GrantSubject, Secret, SecretGrant } from './secret-schema.js';

export function findSecretRow(
  executor: Kysely<Schema>,
  orgId: string,
  idOrName: string,
): Promise<Row<'secret'> | undefined> {
  return executor
    .selectFrom('secret')
    .selectAll()
    .where('org_id', '=', orgId)
    .where((where) => where.or([where('id', '=', idOrName), where('name', '=', idOrName)]))
    .executeTakeFirst();
}

export function toGrant(row: Row<'secret_grant'>): SecretGrant {
  return {
    id: row.id,
    subject: row.subject_kind as GrantSubject,
    subjectId: row.subject_id,
    createdAt: Number(row.created_at),
  };
}

export function toSealed(row: Row<'secret_version'>): SealedSecret {
  return { keyId: row.key_id, iv: row.iv, ciphertext: row.ciphertext, authTag: row.auth_tag };
}

/** The secrets of `rows` with their versions and grants (metadata only: no column of a value is read). */
export async function withDetails(executor: Kysely<Schema>, rows: Array<Row<'secret'>>): Promise<Secret[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const versions = await executor
    .selectFrom('secret_version')
    .select(['secret_id', 'version', 'created_at'])
    .where('secret_id', 'in', ids)
    .orderBy('version', 'asc')
    .execute();
  const grants = await executor
    .selectFrom('secret_grant')
    .selectAll()
    .where('secret_id', 'in', ids)
    .orderBy('id', 'asc')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    description: row.description,
    version: Number(row.current_version),
    versions: versions
      .filter((version) => version.secret_id === row.id)
      .map((version) => ({ version: Number(version.version), createdAt: Number(version.created_at) })),
    grants: grants.filter((grant) => grant.secret_id === row.id).map(toGrant),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  }));
}

/** The agent with this id or name in the org (not deleted), or undefined. */
export async function findAgentId(
  executor: Kysely<Schema>,
  orgId: string,
  idOrName: string,
): Promise<string | undefined> {
  const row = await executor
    .selectFrom('agent')
    .select('id')
    .where('org_id', '=', orgId)
    .where('deleted_at', 'is', null)
    .where((where) => where.or([where('id', '=', idOrName), where('name', '=', idOrName)]))
    .executeTakeFirst();
  return row?.id;
}

export async function chatExists(executor: Kysely<Schema>, orgId: string, chatId: string): Promise<boolean> {
  const row = await executor
    .selectFrom('conversation')
    .select('id')
    .where('org_id', '=', orgId)
    .where('id', '=', chatId)
    .executeTakeFirst();
  return row !== undefined;
}
