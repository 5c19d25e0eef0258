import type { Kysely } from 'kysely';
import type { IdGenerator } from '../kernel/index.js';
import type { Database, NewRow, Row, Schema } from '../storage/index.js';
import { parseJson, preparePerShape, prepareQuery, toJson } from '../storage/index.js';
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
  const rows: Array<Row<'event'>> = [];
  for (let start = 0; start < events.length; start += eventsPerInsert) {
    const chunk = events.slice(start, start + eventsPerInsert);
    const values: Record<string, string | number | null> = {};
    chunk.forEach((event, index) => {
      values[`id${index}`] = ids.next('evt');
      values[`org_id${index}`] = event.orgId;
      values[`type${index}`] = event.type;
      values[`run_id${index}`] = event.runId ?? null;
      values[`conversation_id${index}`] = event.conversationId ?? null;
      values[`subject_id${index}`] = event.subjectId ?? null;
      values[`payload${index}`] = toJson(event.payload ?? {});
      values[`created_at${index}`] = now;
    });
    rows.push(...(await insertEventRows(chunk.length)(transaction, values)).rows);
  }
  return rows.map(toStoredEvent).sort((a, b) => a.seq - b.seq);
}

const eventsPerInsert = 32;
const eventColumns = [
  'id',
  'org_id',
  'type',
  'run_id',
  'conversation_id',
  'subject_id',
  'payload',
  'created_at',
] as const;
/** The insert of `count` events, prepared once per count (storage/prepared.ts). */
const insertEventRows = preparePerShape((count: number) =>
  prepareQuery((db, values: Record<string, unknown>) =>
    db
      .insertInto('event')
      .values(
        Array.from(
          { length: count },
          (_, index) =>
            Object.fromEntries(
              eventColumns.map((column) => [column, values[`${column}${index}`]]),
            ) as NewRow<'event'>,
        ),
      )
      .returningAll(),
  ),
);

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

/** The newest event's sequence number (0 when there is none): where "from now on" starts. */
export async function latestEventSeq(database: Database): Promise<number> {
  const row = await database.db
    .selectFrom('event')
    .select((builder) => builder.fn.max('seq').as('seq'))
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}
