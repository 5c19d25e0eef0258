import { transact, type UnitOfWork } from '../events/index.js';
import type { Context } from './types.js';

/**
 * Runs `fn` inside the caller's transaction when the context carries one (`context.unitOfWork`),
 * else in a new unit of work guarded by the context's idempotency record. Either way the change,
 * its audit row and its events commit together.
 *
 * @example
 * return inUnitOfWork(context, async ({ transaction, outbox }) => {
 *   await transaction.insertInto('agent').values(row).execute();
 *   await outbox.emit({ type: 'agent-created', orgId, subjectId: row.id });
 * });
 */
export function inUnitOfWork<T>(context: Context, fn: (unit: UnitOfWork) => Promise<T>): Promise<T> {
  if (context.unitOfWork) return fn(context.unitOfWork);
  return transact(
    context.services,
    (transaction, outbox) => fn({ transaction, outbox }),
    context.idempotency,
  );
}
