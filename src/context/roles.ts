import { ColonyError } from '../errors/index.js';
import { type Actor, type Role, roles } from './types.js';

/** True when `role` is `minimum` or above (viewer < member < admin < owner). */
export function atLeast(role: Role, minimum: Role): boolean {
  return roles.indexOf(role) >= roles.indexOf(minimum);
}

/** Throws `forbidden` unless the actor has at least `minimum`. */
export function requireRole(actor: Actor, minimum: Role): void {
  if (!atLeast(actor.role, minimum)) {
    throw new ColonyError('forbidden', `this action needs the ${minimum} role; the caller is ${actor.role}`);
  }
}

/**
 * The actor for work Colony does on its own (workers, scheduler, recovery); `id` names on whose
 * behalf when there is someone (the agent that delegates, the mission's creator).
 */
export function systemActor(orgId: string, id = 'system'): Actor {
  return { kind: 'system', id, orgId, role: 'owner' };
}
