import type { Kysely } from 'kysely';
import { ColonyError } from '../errors/index.js';
import type { Schema } from '../storage/index.js';

/**
 * Throws `invalid_input` naming each `<field>.<index>` of `userIds` that is not a user of `orgId`
 * (an unknown id and another org's user read the same). Users are rows of `user_account`; keys
 * that carry a user point at one.
 */
export async function requireOrgUsers(
  executor: Kysely<Schema>,
  orgId: string,
  userIds: readonly string[],
  field: string,
): Promise<void> {
  if (userIds.length === 0) return;
  const rows = await executor
    .selectFrom('user_account')
    .select('id')
    .where('org_id', '=', orgId)
    .where('id', 'in', [...new Set(userIds)])
    .execute();
  const known = new Set(rows.map((row) => row.id));
  const fields = userIds.flatMap((id, index) =>
    known.has(id) ? [] : [{ path: `${field}.${index}`, message: `no user ${id} in this org` }],
  );
  if (fields.length === 0) return;
  const summary = fields.map((entry) => `${entry.path}: ${entry.message}`).join('; ');
  throw new ColonyError('invalid_input', summary, { fields });
}
