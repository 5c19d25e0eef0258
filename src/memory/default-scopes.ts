import type { MemoryContext } from './runtime.js';
import { parseScopeList } from './scope-selection.js';
import type { MemoryScope } from './types.js';

/** How many agent and chat scopes an unscoped search covers (the most recently written first). */
export const maxDefaultSearchScopes = 48;

/**
 * The scopes a search without a scope list covers: the caller's org, its own user scope when the
 * key carries a user, and every agent and chat scope of the org that holds live memories (any
 * member may see those) — at most `maxDefaultSearchScopes` of them, the most recently written
 * first. A list given (`scope=kind:id,…`) is parsed as written (`parseScopeList`).
 *
 * @example
 * const scopes = await searchScopes(context, query.scope); // org + agents + chats (+ user)
 */
export async function searchScopes(context: MemoryContext, list: string | undefined): Promise<MemoryScope[]> {
  const scopes = parseScopeList(context.actor, list);
  if (list !== undefined && list.trim() !== '') return scopes;
  const rows = await context.services.database.db
    .selectFrom('memory')
    .select(['scope_kind', 'scope_id'])
    .select((builder) => builder.fn.max('updated_at').as('latest'))
    .where('org_id', '=', context.actor.orgId)
    .where('scope_kind', 'in', ['agent', 'chat'])
    .where('deleted_at', 'is', null)
    .groupBy(['scope_kind', 'scope_id'])
    .orderBy('latest', 'desc')
    .orderBy('scope_id')
    .limit(maxDefaultSearchScopes)
    .execute();
  for (const row of rows) {
    scopes.push({ kind: row.scope_kind === 'agent' ? 'agent' : 'chat', id: row.scope_id });
  }
  return scopes;
}
