import type { Kysely } from 'kysely';
import type { Actor } from '../context/index.js';
import type { IdGenerator } from '../kernel/index.js';
import type { Schema } from '../storage/index.js';
import { parseJson, toJson } from '../storage/index.js';
import type { MemoryRow } from './rows.js';
import type { MemoryLogAction, MemoryLogEntry } from './types.js';

/** The fields a log entry records before and after a change. */
export function snapshot(row: Partial<MemoryRow>, tags?: readonly string[]): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const keys = [
    'content',
    'type',
    'importance',
    'confidence',
    'pinned',
    'valid_to',
    'superseded_by',
    'deleted_at',
    'access_count',
  ] as const;
  for (const key of keys) if (row[key] !== undefined) fields[key] = row[key];
  if (tags) fields.tags = [...tags].sort();
  return fields;
}

export interface LogWrite {
  orgId: string;
  memoryId: string;
  action: MemoryLogAction;
  actor: Actor;
  reason: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export async function writeLogs(
  executor: Kysely<Schema>,
  ids: IdGenerator,
  now: number,
  entries: readonly LogWrite[],
): Promise<void> {
  for (let offset = 0; offset < entries.length; offset += 500) {
    const chunk = entries.slice(offset, offset + 500);
    if (chunk.length === 0) continue;
    await executor
      .insertInto('memory_log')
      .values(
        chunk.map((entry) => ({
          id: ids.next('mlog'),
          org_id: entry.orgId,
          memory_id: entry.memoryId,
          action: entry.action,
          actor_kind: entry.actor.kind,
          actor_id: entry.actor.id,
          reason: entry.reason,
          before: entry.before === null ? null : toJson(entry.before),
          after: entry.after === null ? null : toJson(entry.after),
          created_at: now,
        })),
      )
      .execute();
  }
}

export async function readLogs(
  executor: Kysely<Schema>,
  orgId: string,
  memoryIds: readonly string[],
): Promise<MemoryLogEntry[]> {
  if (memoryIds.length === 0) return [];
  const rows = await executor
    .selectFrom('memory_log')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('memory_id', 'in', [...memoryIds])
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    memoryId: row.memory_id,
    action: row.action as MemoryLogAction,
    actor: { kind: row.actor_kind, id: row.actor_id },
    reason: row.reason,
    before: parseJson<Record<string, unknown> | null>(row.before, null),
    after: parseJson<Record<string, unknown> | null>(row.after, null),
    createdAt: Number(row.created_at),
  }));
}
