import type { Kysely } from 'kysely';
import type { IdGenerator } from '../kernel/index.js';
import type { Database, Row, Schema } from '../storage/index.js';
import { parseJson, toJson } from '../storage/index.js';
import type { NewEvent, StoredEvent } from './types.js';

export function toStoredEvent(row: Row<'event'>): StoredEvent {
  return {
    seq: Number(row.seq),
    id: row.id,
    orgId: row.org_id,
    type: row.type,
    runId: row.run_id,
    conversationId: row.conversation_id,
    subjectId: row.subject_id,
    payload: parseJson(row.payload, {}),
    createdAt: Number(row.created_at),
  };
}

/**
 * Appends events inside the caller's transaction (the outbox rule: an event is written in the
 * same transaction as the change it describes). Call `lockEventSequence` first on Postgres.
 */
export async function insertEvents(
  transaction: Kysely<Schema>,
  events: readonly NewEvent[],
  ids: IdGenerator,
  now: number,
): Promise<StoredEvent[]> {
  if (events.length === 0) return [];
  const rows = await transaction
    .insertInto('event')
    .values(
      events.map((event) => ({
        id: ids.next('evt'),
        org_id: event.orgId,
        type: event.type,
        run_id: event.runId ?? null,
        conversation_id: event.conversationId ?? null,
        subject_id: event.subjectId ?? null,
        payload: toJson(event.payload ?? {}),
        created_at: now,
      })),
    )
    .returningAll()
    .execute();
  return rows.map(toStoredEvent).sort((a, b) => a.seq - b.seq);
}

export interface EventFilter {
  orgId: string;
  afterSeq: number;
  runId?: string | undefined;
  conversationId?: string | undefined;
  /** Events about one resource (a mission's events carry its id as subject). */
  subjectId?: string | undefined;
  /** Only types starting with this (`mission-`). */
  typePrefix?: string | undefined;
  types?: readonly string[] | undefined;
  limit?: number | undefined;
}

/** Reads stored events after a sequence number, oldest first. */
export async function readEvents(database: Database, filter: EventFilter): Promise<StoredEvent[]> {
  let query = database.db
    .selectFrom('event')
    .selectAll()
    .where('org_id', '=', filter.orgId)
    .where('seq', '>', filter.afterSeq);
  if (filter.runId) query = query.where('run_id', '=', filter.runId);
  if (filter.conversationId) query = query.where('conversation_id', '=', filter.conversationId);
  if (filter.types && filter.types.length > 0) query = query.where('type', 'in', [...filter.types]);
  if (filter.subjectId) query = query.where('subject_id', '=', filter.subjectId);
  if (filter.typePrefix) query = query.where('type', 'like', `${filter.typePrefix}%`);
  const rows = await query
    .orderBy('seq', 'asc')
    .limit(filter.limit ?? 500)
    .execute();
  return rows.map(toStoredEvent);
}
