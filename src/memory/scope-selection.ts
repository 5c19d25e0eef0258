import type { Actor } from '../context/index.js';
import { ColonyError, invalidInput } from '../errors/index.js';
import type { MemoryScope } from './types.js';
import { scopeKinds } from './types.js';

function isScopeKind(value: string): value is MemoryScope['kind'] {
  return (scopeKinds as readonly string[]).includes(value);
}

function ownUserScope(actor: Actor, field: string): MemoryScope {
  if (!actor.userId) {
    throw new ColonyError(
      'forbidden',
      `${field}: this API key is not tied to a user, so it has no user memories; name a scope such as org, agent:<id> or chat:<id>`,
    );
  }
  return { kind: 'user', id: actor.userId };
}

/**
 * Parses a scope list as written in a query string or on the command line: comma-separated
 * `kind:id` items, where `org` alone means the caller's org and `user` alone the caller's own
 * user. Without a list: the caller's org plus, when the key carries a user, that user's scope.
 *
 * @example
 * parseScopeList(actor, 'user,agent:agt_1'); // [{ kind: 'user', id: actor.userId }, { kind: 'agent', id: 'agt_1' }]
 */
export function parseScopeList(actor: Actor, list: string | undefined, field = 'scope'): MemoryScope[] {
  if (list === undefined || list.trim() === '') {
    const scopes: MemoryScope[] = [{ kind: 'org', id: actor.orgId }];
    if (actor.userId) scopes.push({ kind: 'user', id: actor.userId });
    return scopes;
  }
  const scopes: MemoryScope[] = [];
  for (const item of list.split(',')) {
    const text = item.trim();
    if (text === '') continue;
    const separator = text.indexOf(':');
    const kind = separator === -1 ? text : text.slice(0, separator);
    const id = separator === -1 ? '' : text.slice(separator + 1).trim();
    if (!isScopeKind(kind)) {
      throw invalidInput(field, `unknown scope kind "${kind}"; use ${scopeKinds.join(', ')}`);
    }
    if (id === '') {
      if (kind === 'org') scopes.push({ kind, id: actor.orgId });
      else if (kind === 'user') scopes.push(ownUserScope(actor, field));
      else throw invalidInput(field, `scope "${kind}" needs an id: ${kind}:<id>`);
    } else {
      if (id.length > 200) throw invalidInput(field, 'a scope id is at most 200 characters');
      scopes.push({ kind, id });
    }
  }
  if (scopes.length === 0) throw invalidInput(field, 'name at least one scope');
  if (scopes.length > 20) throw invalidInput(field, 'at most 20 scopes');
  return scopes;
}

/**
 * Where a memory written without a scope goes: the caller's own user scope when the key carries a
 * user, else the org.
 */
export function defaultWriteScope(actor: Actor): MemoryScope {
  return actor.userId ? { kind: 'user', id: actor.userId } : { kind: 'org', id: actor.orgId };
}

/** One scope written as `kind:id` (or `org` / `user` for the caller's own). */
export function parseSingleScope(actor: Actor, text: string, field = 'scope'): MemoryScope {
  const scopes = parseScopeList(actor, text, field);
  const [scope] = scopes;
  if (!scope || scopes.length !== 1) throw invalidInput(field, 'name exactly one scope');
  return scope;
}
