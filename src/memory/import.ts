import { transact } from '../events/index.js';
import { recordAudit } from '../identity/index.js';
import { toJson } from '../storage/index.js';
import { packVector } from './embedder.js';
import { type MemoryInput, memoryInputSchema, parseInput } from './memory-input.js';
import { writeLogs } from './memory-log.js';
import type { MemoryContext } from './runtime.js';
import { memoryRuntime } from './runtime.js';
import { authorizeScopes, scopeKey } from './scopes.js';
import { contentHash, deriveSubject, embeddingText } from './text.js';

export interface ImportResult {
  created: number;
  duplicates: number;
}

/**
 * Bulk ingestion (imports, backfills, benchmarks): batches of `batchSize` memories each commit in
 * one transaction with multi-row inserts of rows, index entries, tags and log entries, and one
 * `memories-imported` event. Only exact duplicates (content hash in scope) are detected — no
 * near-duplicate or contradiction checks; use `addMemory` for those.
 */
export async function importMemories(
  context: MemoryContext,
  inputs: readonly MemoryInput[],
  options: { batchSize?: number; reason?: string } = {},
): Promise<ImportResult> {
  const parsed = inputs.map((input, index) => parseInput(memoryInputSchema, input, `[${index}]`));
  const distinct = new Map(
    parsed.map((input) => [`${input.scope.kind}\u0000${input.scope.id}`, input.scope]),
  );
  await authorizeScopes(context, [...distinct.values()], 'write');
  const runtime = memoryRuntime(context.services);
  const { orgId } = context.actor;
  const lexical = context.services.database.dialect.memoryIndex;
  const batchSize = options.batchSize ?? 500;
  let created = 0;
  let duplicates = 0;
  for (let offset = 0; offset < parsed.length; offset += batchSize) {
    const batch = parsed.slice(offset, offset + batchSize);
    const vectors = await runtime.embedder.embed(
      batch.map((input) => embeddingText(input.type, input.content)),
      context.signal,
    );
    const now = context.services.clock.now();
    await transact(context.services, async (transaction, outbox) => {
      const hashes = batch.map((input) => contentHash(input.content));
      const existing = new Set<string>();
      for (const scope of new Map(
        batch.map((input) => [`${input.scope.kind}\u0000${input.scope.id}`, input.scope]),
      ).values()) {
        const rows = await transaction
          .selectFrom('memory')
          .select('content_hash')
          .where('org_id', '=', orgId)
          .where('scope_kind', '=', scope.kind)
          .where('scope_id', '=', scope.id)
          .where('content_hash', 'in', [...new Set(hashes)])
          .where('deleted_at', 'is', null)
          .where('superseded_by', 'is', null)
          .execute();
        for (const row of rows) existing.add(`${scope.kind}\u0000${scope.id}\u0000${row.content_hash}`);
      }
      const fresh: number[] = [];
      batch.forEach((input, index) => {
        const key = `${input.scope.kind}\u0000${input.scope.id}\u0000${hashes[index]}`;
        if (existing.has(key)) {
          duplicates++;
          return;
        }
        existing.add(key);
        fresh.push(index);
      });
      if (fresh.length === 0) return;
      const docIds = await lexical.allocateDocIds(transaction, fresh.length);
      const rows = fresh.map((index, position) => {
        const input = batch[index] ?? parsed[0];
        if (!input) throw new Error('unreachable');
        const vector = vectors[index];
        return {
          id: context.services.ids.next('mem'),
          org_id: orgId,
          scope_kind: input.scope.kind,
          scope_id: input.scope.id,
          type: input.type,
          content: input.content,
          content_hash: hashes[index] ?? contentHash(input.content),
          subject: input.subject ?? deriveSubject(input.type, input.content),
          importance: input.importance,
          confidence: input.confidence,
          embedding: vector ? packVector(vector) : null,
          embedding_model: vector ? runtime.embedder.modelId : null,
          source_message_ids: toJson(input.sourceMessageIds),
          run_id: input.runId,
          valid_from: input.validFrom ?? now,
          valid_to: input.validTo,
          superseded_by: null,
          access_count: 0,
          last_accessed_at: null,
          pinned: input.pinned ? 1 : 0,
          doc_id: docIds[position] ?? null,
          occurred_at: input.occurredAt ?? now,
          previous_turn_id: null,
          deleted_at: null,
          created_by: context.actor.id,
          created_at: now,
          updated_at: now,
        };
      });
      for (let chunk = 0; chunk < rows.length; chunk += 250) {
        await transaction
          .insertInto('memory')
          .values(rows.slice(chunk, chunk + 250))
          .execute();
      }
      await lexical.add(
        transaction,
        rows.map((row) => ({
          docId: row.doc_id,
          content: row.content,
          scopeKey: scopeKey(orgId, { kind: row.scope_kind, id: row.scope_id }),
        })),
      );
      const tags = rows.flatMap((row, position) =>
        [...new Set(batch[fresh[position] ?? 0]?.tags ?? [])].map((tag) => ({
          memory_id: row.id,
          org_id: orgId,
          tag,
        })),
      );
      for (let chunk = 0; chunk < tags.length; chunk += 1000) {
        await transaction
          .insertInto('memory_tag')
          .values(tags.slice(chunk, chunk + 1000))
          .execute();
      }
      await writeLogs(
        transaction,
        context.services.ids,
        now,
        rows.map((row) => ({
          orgId,
          memoryId: row.id,
          action: 'create' as const,
          actor: context.actor,
          reason: options.reason ?? 'imported',
          before: null,
          after: { content: row.content, type: row.type, importance: row.importance },
        })),
      );
      await recordAudit(transaction, context.services, context.actor, {
        action: 'memory.import',
        resourceType: 'memory',
        details: { created: rows.length, reason: options.reason ?? 'imported' },
      });
      await outbox.emit({ type: 'memories-imported', orgId, payload: { count: rows.length } });
      created += rows.length;
    });
    for (const scope of distinct.values()) runtime.vectors.invalidate(scopeKey(orgId, scope));
  }
  return { created, duplicates };
}
