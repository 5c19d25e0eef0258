import type { Transaction } from 'kysely';
import type { Clock, IdGenerator } from '../kernel/index.js';
import type { Database, Schema } from '../storage/index.js';
import type { EventBus } from './event-bus.js';
import { insertEvents } from './event-store.js';
import type { NewEvent, StoredEvent } from './types.js';

export interface UnitOfWorkServices {
  database: Database;
  bus: EventBus;
  clock: Clock;
  ids: IdGenerator;
}

/** What a unit of work can do besides querying: append events that commit with it. */
export interface Outbox {
  emit(...events: NewEvent[]): Promise<StoredEvent[]>;
  /**
   * Runs `callback` once the unit has committed (never when it rolls back): an in-process wake-up
   * or signal that must not fire for a change that may still be undone.
   */
  afterCommit(callback: () => void): void;
}

/**
 * The current transaction and its outbox, as one value. A use case that must join its caller's
 * change receives it in `context.unitOfWork` (see `inUnitOfWork` in context/) — the one way the
 * current transaction travels.
 */
export interface UnitOfWork {
  transaction: Transaction<Schema>;
  outbox: Outbox;
}

/**
 * Runs first and last inside a unit of work's transaction. The HTTP `Idempotency-Key` record is
 * one (http/idempotency): claimed before the change, so a concurrent duplicate waits on it, and
 * completed with the unit's result, so the change and its record commit or roll back together.
 */
export interface UnitOfWorkGuard {
  claim(transaction: Transaction<Schema>): Promise<void>;
  complete(transaction: Transaction<Schema>, result: unknown): Promise<void>;
}

/**
 * Runs `fn` in one transaction. Events emitted through the outbox are inserted in the same
 * transaction and published to the bus only after the commit succeeds; a failure rolls back the
 * change and its events together, so nothing half-written survives. A deadlock or serialization
 * failure reported by Postgres reruns the unit of work (so `fn` must not have outside effects).
 * A `guard` claims before `fn` and completes with its result, in the same transaction.
 *
 * @example
 * const agent = await transact(services, async (transaction, outbox) => {
 *   await transaction.insertInto('agent').values(row).execute();
 *   await outbox.emit({ type: 'agent-created', orgId, subjectId: row.id });
 *   return row;
 * });
 */
export async function transact<T>(
  services: UnitOfWorkServices,
  fn: (transaction: Transaction<Schema>, outbox: Outbox) => Promise<T>,
  guard?: UnitOfWorkGuard,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const published: StoredEvent[] = [];
    const committed: Array<() => void> = [];
    try {
      const result = await services.database.transaction(async (transaction) => {
        let locked = false;
        const outbox: Outbox = {
          async emit(...events) {
            if (!locked) {
              await services.database.dialect.lockEventSequence(transaction);
              locked = true;
            }
            const stored = await insertEvents(transaction, events, services.ids, services.clock.now());
            published.push(...stored);
            return stored;
          },
          afterCommit(callback) {
            committed.push(callback);
          },
        };
        await guard?.claim(transaction);
        const value = await fn(transaction, outbox);
        await guard?.complete(transaction, value);
        return value;
      });
      services.bus.publish(published);
      for (const callback of committed) callback();
      return result;
    } catch (error) {
      if (attempt >= maxAttempts || !isTransientConflict(error)) throw error;
    }
  }
}

const maxAttempts = 4;

/**
 * Postgres aborts one side of a deadlock (40P01) or a serialization conflict (40001); the whole
 * unit of work is then safe to run again, since nothing of it was committed.
 */
function isTransientConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}
