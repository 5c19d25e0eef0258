import type { Kysely } from 'kysely';
import type { Row, Schema } from '../storage/index.js';
import { parseJson } from '../storage/index.js';
import type { Memory, MemoryScope, MemoryType, ScopeKind } from './types.js';

/** Every memory column except the embedding blob (and Postgres's generated tsvector). */
export const memoryColumns = [
  'id',
  'org_id',
  'scope_kind',
  'scope_id',
  'type',
  'content',
  'content_hash',
  'subject',
  'importance',
  'confidence',
  'embedding_model',
  'source_message_ids',
  'run_id',
  'valid_from',
  'valid_to',
  'superseded_by',
  'access_count',
  'last_accessed_at',
  'pinned',
  'doc_id',
  'occurred_at',
  'previous_turn_id',
  'deleted_at',
  'created_by',
  'created_at',
  'updated_at',
] as const;

export type MemoryRow = Omit<Row<'memory'>, 'embedding'>;

function nullableNumber(value: number | null): number | null {
  return value === null ? null : Number(value);
}

export function toMemory(row: MemoryRow, tags: readonly string[]): Memory {
  return {
    id: row.id,
    orgId: row.org_id,
    scope: { kind: row.scope_kind as ScopeKind, id: row.scope_id },
    type: row.type as MemoryType,
    content: row.content,
    subject: row.subject,
    importance: Number(row.importance),
    confidence: Number(row.confidence),
    tags: [...tags].sort(),
    embeddingModel: row.embedding_model,
    sourceMessageIds: parseJson<string[]>(row.source_message_ids, []),
    runId: row.run_id,
    occurredAt: Number(row.occurred_at ?? row.created_at),
    previousTurnId: row.previous_turn_id,
    validFrom: Number(row.valid_from),
    validTo: nullableNumber(row.valid_to),
    supersededBy: row.superseded_by,
    accessCount: Number(row.access_count),
    lastAccessedAt: nullableNumber(row.last_accessed_at),
    pinned: Number(row.pinned) === 1,
    deletedAt: nullableNumber(row.deleted_at),
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export function rowScope(row: MemoryRow): MemoryScope {
  return { kind: row.scope_kind as ScopeKind, id: row.scope_id };
}

export async function loadTags(
  executor: Kysely<Schema>,
  memoryIds: readonly string[],
): Promise<Map<string, string[]>> {
  const tags = new Map<string, string[]>();
  if (memoryIds.length === 0) return tags;
  for (let offset = 0; offset < memoryIds.length; offset += 500) {
    const rows = await executor
      .selectFrom('memory_tag')
      .select(['memory_id', 'tag'])
      .where('memory_id', 'in', memoryIds.slice(offset, offset + 500))
      .execute();
    for (const row of rows) tags.set(row.memory_id, [...(tags.get(row.memory_id) ?? []), row.tag]);
  }
  return tags;
}

/**
 * Rows by id, of `orgId` only. The org is checked in code rather than in SQL so the planner always
 * uses the primary key (with an `org_id` predicate SQLite may pick the scope index and scan it).
 */
export async function loadRows(
  executor: Kysely<Schema>,
  orgId: string,
  ids: readonly string[],
): Promise<MemoryRow[]> {
  const rows: MemoryRow[] = [];
  for (let offset = 0; offset < ids.length; offset += 500) {
    const chunk = await executor
      .selectFrom('memory')
      .select(memoryColumns)
      .where('id', 'in', ids.slice(offset, offset + 500))
      .execute();
    rows.push(...chunk.filter((row) => row.org_id === orgId));
  }
  return rows;
}

export async function loadMemories(executor: Kysely<Schema>, rows: readonly MemoryRow[]): Promise<Memory[]> {
  const tags = await loadTags(
    executor,
    rows.map((row) => row.id),
  );
  return rows.map((row) => toMemory(row, tags.get(row.id) ?? []));
}
