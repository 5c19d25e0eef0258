import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { notFound } from '../errors/index.js';
import { transact } from '../events/index.js';
import { recordAudit } from '../identity/index.js';
import { parseJson, type Schema } from '../storage/index.js';
import {
  type MemoryInput,
  maxContentLength,
  memoryInputSchema,
  parseInput,
  tagsSchema,
} from './memory-input.js';
import { readLogs, snapshot, writeLogs } from './memory-log.js';
import { loadMemories, loadTags, type MemoryRow, memoryColumns, rowScope, toMemory } from './rows.js';
import type { MemoryContext } from './runtime.js';
import { memoryRuntime } from './runtime.js';
import { authorizeScopes, canSeeScope, scopeKey } from './scopes.js';
import type { Memory, MemoryLogEntry, WriteResult } from './types.js';
import { recordUse } from './usage.js';
import { applyWrites, prepareWrites } from './write.js';

/**
 * Stores one memory, deduplicated against its scope in the same transaction as its index row,
 * tags, log entry and `memory-created` event: an exact duplicate is folded into the existing
 * record, a near duplicate updates or supersedes it, a contradiction supersedes the old record.
 *
 * @throws ColonyError `invalid_input` naming the field; `forbidden` for a scope the actor may not write.
 * @example
 * const { memory, action } = await addMemory(context, {
 *   scope: { kind: 'user', id: userId }, type: 'preference', content: 'Prefers dark mode', tags: ['ui'],
 * });
 */
export async function addMemory(
  context: MemoryContext,
  input: MemoryInput,
  options: { model?: LanguageModelV3 | null } = {},
): Promise<WriteResult> {
  const parsed = parseInput(memoryInputSchema, input);
  await authorizeScopes(context, [parsed.scope], 'write');
  const prepared = await prepareWrites(context, [parsed], { model: options.model });
  const result = await transact(
    context.services,
    async (transaction, outbox) => {
      const [written] = await applyWrites(transaction, outbox, context, prepared);
      if (!written) throw new Error('addMemory produced no result');
      await auditWrite(transaction, context, 'memory.create', written);
      return written;
    },
    context.idempotency,
  );
  for (const write of prepared) memoryRuntime(context.services).vectors.invalidate(write.scopeKey);
  return result;
}

/** The audit row of a memory write: which record it landed on, and how (created, folded, superseded). */
async function auditWrite(
  transaction: Kysely<Schema>,
  context: MemoryContext,
  action: 'memory.create' | 'memory.update',
  result: WriteResult | undefined,
  details: Record<string, unknown> = {},
): Promise<void> {
  await recordAudit(transaction, context.services, context.actor, {
    action,
    resourceType: 'memory',
    resourceId: result?.memory.id ?? null,
    details: { outcome: result?.action ?? null, ...details },
  });
}

/** A visible memory row of the actor's org, or `not_found` (never revealing other scopes' ids). */
async function visibleRow(context: MemoryContext, id: string, includeDeleted: boolean): Promise<MemoryRow> {
  const row = await context.services.database.db
    .selectFrom('memory')
    .select(memoryColumns)
    .where('id', '=', id)
    .where('org_id', '=', context.actor.orgId)
    .executeTakeFirst();
  if (!row || (!includeDeleted && row.deleted_at !== null) || !(await canSeeScope(context, rowScope(row)))) {
    throw notFound('memory', id);
  }
  return row;
}

/**
 * One memory by id. Deleted memories are `not_found` unless `includeDeleted`; `countAccess` counts
 * the read as a use (an explicit read by a caller, not an internal lookup).
 */
export async function getMemory(
  context: MemoryContext,
  id: string,
  options: { includeDeleted?: boolean; countAccess?: boolean } = {},
): Promise<Memory> {
  await authorizeScopes(context, [], 'read');
  const row = await visibleRow(context, id, options.includeDeleted ?? false);
  const tags = await loadTags(context.services.database.db, [row.id]);
  const memory = toMemory(row, tags.get(row.id) ?? []);
  if (options.countAccess) recordUse(context, [memory]);
  return memory;
}

export interface MemoryHistory {
  memory: Memory;
  /** The supersede chain this memory belongs to, oldest first (includes `memory`). */
  chain: Memory[];
  /** Every log entry of every record in the chain, oldest first. */
  log: MemoryLogEntry[];
}

/** A memory's supersede chain and full change log (also for deleted memories). */
export async function memoryHistory(context: MemoryContext, id: string): Promise<MemoryHistory> {
  await authorizeScopes(context, [], 'read');
  const { db } = context.services.database;
  const { orgId } = context.actor;
  const start = await visibleRow(context, id, true);
  const rows = new Map<string, MemoryRow>([[start.id, start]]);
  let frontier = [start.id];
  while (frontier.length > 0 && rows.size < 1000) {
    const predecessors = await db
      .selectFrom('memory')
      .select(memoryColumns)
      .where('org_id', '=', orgId)
      .where('superseded_by', 'in', frontier)
      .execute();
    frontier = [];
    for (const row of predecessors) {
      if (rows.has(row.id)) continue;
      rows.set(row.id, row);
      frontier.push(row.id);
    }
  }
  let next = start.superseded_by;
  while (next && !rows.has(next) && rows.size < 1000) {
    const row = await db
      .selectFrom('memory')
      .select(memoryColumns)
      .where('org_id', '=', orgId)
      .where('id', '=', next)
      .executeTakeFirst();
    if (!row) break;
    rows.set(row.id, row);
    next = row.superseded_by;
  }
  const ordered = [...rows.values()].sort(
    (a, b) => Number(a.created_at) - Number(b.created_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const chain = await loadMemories(db, ordered);
  const memory = chain.find((entry) => entry.id === start.id) ?? toMemory(start, []);
  return { memory, chain, log: await readLogs(db, orgId, [...rows.keys()]) };
}

/** Soft-deletes a memory (it leaves search and its index row; the row and its log stay). */
export async function deleteMemory(
  context: MemoryContext,
  id: string,
  options: { reason?: string } = {},
): Promise<Memory> {
  await authorizeScopes(context, [], 'write');
  const row = await visibleRow(context, id, true);
  if (row.deleted_at !== null) return getMemory(context, id, { includeDeleted: true });
  const now = context.services.clock.now();
  await transact(context.services, async (transaction, outbox) => {
    await transaction
      .updateTable('memory')
      .set({ deleted_at: now, updated_at: now })
      .where('id', '=', id)
      .execute();
    await context.services.database.dialect.memoryIndex.remove(transaction, [row.doc_id]);
    await writeLogs(transaction, context.services.ids, now, [
      {
        orgId: row.org_id,
        memoryId: id,
        action: 'delete',
        actor: context.actor,
        reason: options.reason ?? 'deleted',
        before: snapshot(row),
        after: { deleted_at: now },
      },
    ]);
    await recordAudit(transaction, context.services, context.actor, {
      action: 'memory.delete',
      resourceType: 'memory',
      resourceId: id,
      details: { reason: options.reason ?? 'deleted' },
    });
    await outbox.emit({
      type: 'memory-deleted',
      orgId: row.org_id,
      subjectId: id,
      payload: { memoryId: id },
    });
  });
  memoryRuntime(context.services).vectors.invalidate(scopeKey(row.org_id, rowScope(row)));
  return getMemory(context, id, { includeDeleted: true });
}

export const memoryPatchSchema = z.object({
  content: z.string().trim().min(1).max(maxContentLength).optional(),
  importance: z.number().min(0).max(1).optional(),
  confidence: z.number().min(0).max(1).optional(),
  tags: tagsSchema.optional(),
  pinned: z.boolean().optional(),
  reason: z.string().max(500).optional(),
});
export type MemoryPatch = z.input<typeof memoryPatchSchema>;

/**
 * Changes a memory. New content never overwrites: it creates a new record that supersedes the old
 * one (`valid_to`, `superseded_by`), so history keeps both. Other fields change in place, logged.
 */
export async function updateMemory(
  context: MemoryContext,
  id: string,
  patch: MemoryPatch,
): Promise<WriteResult> {
  const parsed = parseInput(memoryPatchSchema, patch);
  await authorizeScopes(context, [], 'write');
  const row = await visibleRow(context, id, false);
  const oldTags = (await loadTags(context.services.database.db, [id])).get(id) ?? [];
  const reason = parsed.reason ?? 'updated';
  const runtime = memoryRuntime(context.services);
  if (parsed.content !== undefined && parsed.content !== row.content) {
    if (row.superseded_by !== null) throw notFound('current memory', id);
    const input = parseInput(memoryInputSchema, {
      scope: rowScope(row),
      type: row.type,
      content: parsed.content,
      importance: parsed.importance ?? Number(row.importance),
      confidence: parsed.confidence ?? Number(row.confidence),
      tags: parsed.tags ?? oldTags,
      pinned: parsed.pinned ?? Number(row.pinned) === 1,
      sourceMessageIds: parseJson<string[]>(row.source_message_ids, []),
      runId: row.run_id,
    });
    const prepared = await prepareWrites(context, [input], { dedup: 'exact', reason });
    for (const write of prepared) {
      write.contradicts = [id];
      write.supersedeReason = `updated: ${reason}`;
    }
    const [result] = await transact(context.services, async (transaction, outbox) => {
      const written = await applyWrites(transaction, outbox, context, prepared);
      await auditWrite(transaction, context, 'memory.update', written[0], { reason });
      return written;
    });
    runtime.vectors.invalidate(scopeKey(row.org_id, rowScope(row)));
    if (!result) throw new Error('updateMemory produced no result');
    return result;
  }
  const now = context.services.clock.now();
  const changes: Partial<MemoryRow> = {};
  if (parsed.importance !== undefined) changes.importance = parsed.importance;
  if (parsed.confidence !== undefined) changes.confidence = parsed.confidence;
  if (parsed.pinned !== undefined) changes.pinned = parsed.pinned ? 1 : 0;
  const tags = parsed.tags ? [...new Set(parsed.tags)] : oldTags;
  await transact(context.services, async (transaction, outbox) => {
    await transaction
      .updateTable('memory')
      .set({ ...changes, updated_at: now })
      .where('id', '=', id)
      .execute();
    if (parsed.tags) {
      await transaction.deleteFrom('memory_tag').where('memory_id', '=', id).execute();
      if (tags.length > 0) {
        await transaction
          .insertInto('memory_tag')
          .values(tags.map((tag) => ({ memory_id: id, org_id: row.org_id, tag })))
          .execute();
      }
    }
    await writeLogs(transaction, context.services.ids, now, [
      {
        orgId: row.org_id,
        memoryId: id,
        action: 'update',
        actor: context.actor,
        reason,
        before: snapshot(row, oldTags),
        after: snapshot({ ...row, ...changes }, tags),
      },
    ]);
    await recordAudit(transaction, context.services, context.actor, {
      action: 'memory.update',
      resourceType: 'memory',
      resourceId: id,
      details: {
        outcome: 'updated',
        reason,
        fields: Object.keys(parsed).filter((field) => field !== 'reason'),
      },
    });
    await outbox.emit({
      type: 'memory-updated',
      orgId: row.org_id,
      subjectId: id,
      payload: { memoryId: id, reason },
    });
  });
  runtime.vectors.invalidate(scopeKey(row.org_id, rowScope(row)));
  return {
    memory: toMemory({ ...row, ...changes, updated_at: now }, tags),
    action: 'updated',
    superseded: null,
  };
}
