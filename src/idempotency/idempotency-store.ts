import type { Kysely } from 'kysely';
import { parseJson, type Schema, toJson } from '../storage/index.js';

/** How long a key's first response is kept and replayed: a day. */
export const idempotencyTtlMs = 24 * 60 * 60 * 1000;

/** Whose request, on which route, under which key. */
export interface RecordKey {
  orgId: string;
  actorId: string;
  route: string;
  key: string;
}

/** A stored first response. */
export interface StoredResponse {
  fingerprint: string;
  status: number;
  body: unknown;
}

function whereKey(record: RecordKey) {
  return {
    org_id: record.orgId,
    actor_id: record.actorId,
    route: record.route,
    key: record.key,
  };
}

/** The live (unexpired) record of `record`, if any. */
export async function findRecord(
  executor: Kysely<Schema>,
  record: RecordKey,
  now: number,
): Promise<StoredResponse | null> {
  const row = await executor
    .selectFrom('idempotency_record')
    .select(['fingerprint', 'status', 'body'])
    .where('org_id', '=', record.orgId)
    .where('actor_id', '=', record.actorId)
    .where('route', '=', record.route)
    .where('key', '=', record.key)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (!row) return null;
  return {
    fingerprint: row.fingerprint,
    status: Number(row.status),
    body: parseJson<unknown>(row.body, null),
  };
}

/**
 * Claims the key inside the creating transaction: inserts the record (or takes over an expired
 * one) and returns true, or returns false when a live record exists. On Postgres a concurrent
 * claim of the same key waits here until the first transaction ends.
 */
export async function claimRecord(
  transaction: Kysely<Schema>,
  record: RecordKey,
  fingerprint: string,
  now: number,
): Promise<boolean> {
  const values = {
    ...whereKey(record),
    fingerprint,
    status: 0,
    body: 'null',
    created_at: now,
    expires_at: now + idempotencyTtlMs,
  };
  const claimed = await transaction
    .insertInto('idempotency_record')
    .values(values)
    .onConflict((conflict) =>
      conflict
        .columns(['org_id', 'actor_id', 'route', 'key'])
        .doUpdateSet({
          fingerprint,
          status: 0,
          body: 'null',
          created_at: now,
          expires_at: values.expires_at,
        })
        .where('idempotency_record.expires_at', '<=', now),
    )
    .returning('key')
    .executeTakeFirst();
  return claimed !== undefined;
}

/** Stores the response of a claimed key, in the transaction that claimed it. */
export async function completeRecord(
  transaction: Kysely<Schema>,
  record: RecordKey,
  response: { status: number; body: unknown },
): Promise<void> {
  await transaction
    .updateTable('idempotency_record')
    .set({ status: response.status, body: toJson(response.body) })
    .where('org_id', '=', record.orgId)
    .where('actor_id', '=', record.actorId)
    .where('route', '=', record.route)
    .where('key', '=', record.key)
    .execute();
}

/** Deletes every expired record; returns how many. */
export async function deleteExpiredRecords(executor: Kysely<Schema>, now: number): Promise<number> {
  const result = await executor
    .deleteFrom('idempotency_record')
    .where('expires_at', '<=', now)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
