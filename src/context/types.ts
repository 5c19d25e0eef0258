import type { EventBus, UnitOfWork, UnitOfWorkGuard } from '../events/index.js';
import type { Clock, IdGenerator } from '../kernel/index.js';
import type { Logger } from '../observability/index.js';
import type { Database } from '../storage/index.js';

export const roles = ['viewer', 'member', 'admin', 'owner'] as const;
export type Role = (typeof roles)[number];

/** Who is acting: an API key, a console user, or Colony itself (workers, scheduler). */
export interface Actor {
  kind: 'api_key' | 'user' | 'system';
  id: string;
  orgId: string;
  role: Role;
  userId?: string | null;
  ip?: string | null;
  requestId?: string | null;
}

/** The process-wide dependencies every use case needs. Capabilities add theirs by extension. */
export interface Services {
  database: Database;
  bus: EventBus;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
}

/**
 * What a use case receives: services, the actor it acts for, and a signal that aborts it.
 *
 * @example
 * export async function getAgent(context: Context, id: string): Promise<Agent> { … }
 */
export interface Context<Extra extends object = object> {
  services: Services & Extra;
  actor: Actor;
  signal: AbortSignal;
  /**
   * The request's `Idempotency-Key` record (HTTP). A creating use case passes it to the one
   * `transact` that creates, so the creation and its record commit together.
   */
  idempotency?: UnitOfWorkGuard;
  /**
   * The caller's open transaction, when this use case is part of a larger change (a delegation
   * starting a run, a mission task starting its agents). Use cases join it with `inUnitOfWork`.
   */
  unitOfWork?: UnitOfWork;
}
