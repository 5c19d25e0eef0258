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
}

/**
 * Runs `fn` in one transaction. Events emitted through the outbox are inserted in the same
 * transaction and published to the bus only after the commit succeeds; a failure rolls back the
 * change and its events together, so nothing half-written survives.
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
): Promise<T> {
  const published: StoredEvent[] = [];
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
    };
    return fn(transaction, outbox);
  });
  services.bus.publish(published);
  return result;
}
