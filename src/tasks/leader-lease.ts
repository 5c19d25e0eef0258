import type { Database } from '../storage/index.js';

/**
 * Takes or renews the lease row `name` for `holder` until `now + leaseMs`. Works the same on both
 * databases: an update that only matches our own or an expired lease, else an insert that loses
 * quietly to a concurrent one. Returns whether `holder` leads now.
 */
export async function acquireLeadership(
  database: Database,
  name: string,
  holder: string,
  leaseMs: number,
  now: number,
): Promise<boolean> {
  const renewed = await database.db
    .updateTable('leader_lease')
    .set({ holder, expires_at: now + leaseMs, updated_at: now })
    .where('name', '=', name)
    .where((builder) => builder.or([builder('holder', '=', holder), builder('expires_at', '<', now)]))
    .executeTakeFirst();
  if (Number(renewed.numUpdatedRows) > 0) return true;
  const inserted = await database.db
    .insertInto('leader_lease')
    .values({ name, holder, expires_at: now + leaseMs, updated_at: now })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Gives the lease up at once (a clean shutdown), so another holder need not wait for expiry. */
export async function releaseLeadership(database: Database, name: string, holder: string): Promise<void> {
  await database.db
    .deleteFrom('leader_lease')
    .where('name', '=', name)
    .where('holder', '=', holder)
    .execute();
}
