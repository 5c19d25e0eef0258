import { createHash } from 'node:crypto';
import { atLeast, requireRole } from '../context/index.js';
import { ColonyError, invalidInput } from '../errors/index.js';
import type { MemoryContext } from './runtime.js';
import type { MemoryScope } from './types.js';

/** An opaque alphanumeric token per (org, scope) used by the lexical index to restrict matches. */
export function scopeKey(orgId: string, scope: MemoryScope): string {
  const digest = createHash('sha1').update(`${orgId}\u0000${scope.kind}\u0000${scope.id}`).digest('hex');
  return `sk${digest.slice(0, 20)}`;
}

export function sameScope(left: MemoryScope, right: MemoryScope): boolean {
  return left.kind === right.kind && left.id === right.id;
}

/**
 * Whether the actor may see memories of `scope` (all rows are also filtered by the actor's org):
 * - `org`: the actor's own org id;
 * - `user`: only that user (or Colony itself, the `system` actor);
 * - `team`: a team of the org the actor belongs to (admins and `system` see every team);
 * - `agent`, `chat`: any member of the org.
 */
export async function canSeeScope(context: MemoryContext, scope: MemoryScope): Promise<boolean> {
  const { actor } = context;
  switch (scope.kind) {
    case 'org':
      return scope.id === actor.orgId;
    case 'user':
      return (
        actor.kind === 'system' ||
        (actor.userId !== undefined && actor.userId !== null && actor.userId === scope.id)
      );
    case 'team': {
      const team = await context.services.database.db
        .selectFrom('team')
        .select('id')
        .where('id', '=', scope.id)
        .where('org_id', '=', actor.orgId)
        .executeTakeFirst();
      if (!team) return false;
      if (actor.kind === 'system' || atLeast(actor.role, 'admin')) return true;
      if (!actor.userId) return false;
      const membership = await context.services.database.db
        .selectFrom('team_membership')
        .select('team_id')
        .where('team_id', '=', scope.id)
        .where('user_id', '=', actor.userId)
        .executeTakeFirst();
      return membership !== undefined;
    }
    case 'agent':
    case 'chat':
      return true;
  }
}

/**
 * Throws `invalid_input` naming `field` unless every agent, chat, user and team scope names a row
 * of the actor's org (an unknown id and another org's id read the same). Colony's own work (the
 * `system` actor: memory tools, extraction, consolidation) takes its scopes from stored rows and
 * is not checked again.
 */
export async function requireExistingScopes(
  context: MemoryContext,
  scopes: readonly MemoryScope[],
  field: string,
): Promise<void> {
  if (context.actor.kind === 'system') return;
  for (const kind of ['agent', 'chat', 'user', 'team'] as const) {
    const ids = [...new Set(scopes.filter((scope) => scope.kind === kind).map((scope) => scope.id))];
    if (ids.length === 0) continue;
    const rows = await context.services.database.db
      .selectFrom(scopeTables[kind])
      .select('id')
      .where('org_id', '=', context.actor.orgId)
      .where('id', 'in', ids)
      .execute();
    const found = new Set(rows.map((row) => row.id));
    const missing = ids.find((id) => !found.has(id));
    if (missing !== undefined) throw invalidInput(field, `no ${kind} ${missing} in this org`);
  }
}

const scopeTables = { agent: 'agent', chat: 'conversation', user: 'user_account', team: 'team' } as const;

/**
 * Throws `forbidden` unless the actor may read (viewer+) or write (member+) every scope given, and
 * `invalid_input` naming `field` when a scope names no row of the actor's org.
 */
export async function authorizeScopes(
  context: MemoryContext,
  scopes: readonly MemoryScope[],
  mode: 'read' | 'write',
  field = 'scope',
): Promise<void> {
  requireRole(context.actor, mode === 'read' ? 'viewer' : 'member');
  await requireExistingScopes(context, scopes, field);
  for (const scope of scopes) {
    if (!(await canSeeScope(context, scope))) {
      throw new ColonyError(
        'forbidden',
        `the caller may not ${mode} memories of ${scope.kind} scope ${scope.id}`,
      );
    }
  }
}

/** The scopes an agent turn sees: org, the agent, the chat and (when known) the user. */
export function scopesForTurn(input: {
  orgId: string;
  agentId?: string | null | undefined;
  conversationId?: string | null | undefined;
  userId?: string | null | undefined;
}): MemoryScope[] {
  const scopes: MemoryScope[] = [{ kind: 'org', id: input.orgId }];
  if (input.agentId) scopes.push({ kind: 'agent', id: input.agentId });
  if (input.conversationId) scopes.push({ kind: 'chat', id: input.conversationId });
  if (input.userId) scopes.push({ kind: 'user', id: input.userId });
  return scopes;
}
