import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { Kysely } from 'kysely';
import type { Outbox } from '../events/index.js';
import type { Schema } from '../storage/index.js';
import { parseJson, toJson } from '../storage/index.js';
import { findContradictions } from './contradiction.js';
import { dot } from './embedder.js';
import type { ParsedMemoryInput } from './memory-input.js';
import { snapshot, writeLogs } from './memory-log.js';
import { loadTags, type MemoryRow, memoryColumns, toMemory } from './rows.js';
import type { MemoryContext, MemoryRuntime } from './runtime.js';
import { memoryRuntime } from './runtime.js';
import { scopeKey } from './scopes.js';
import { contentHash, contentWords, deriveSubject, embeddingText } from './text.js';
import type { WriteResult } from './types.js';
import { encodeVector } from './vector-format.js';

/** A validated input with its hash, subject, embedding and what the committed store says about it. */
export interface PreparedWrite {
  input: ParsedMemoryInput;
  hash: string;
  subject: string | null;
  embedding: Float32Array | null;
  scopeKey: string;
  /** The most similar committed memory of the same type and scope, when above the threshold. */
  nearDuplicate: { id: string; similarity: number } | null;
  /** Committed memories a model judged contradicted by this one. */
  contradicts: string[];
  /** `full`: exact + near-duplicate + contradiction checks; `exact`: hash only. */
  dedup: 'full' | 'exact';
  reason: string;
  /** Why `contradicts` are superseded (defaults to the model's verdict). */
  supersedeReason?: string;
  /** An episodic turn of a conversation: linked to the turn before it in the same scope. */
  linkTurn?: boolean;
  /** Set by `applyWrites` for `linkTurn` writes. */
  previousTurnId?: string | null;
}

export interface PrepareOptions {
  dedup?: 'full' | 'exact';
  model?: LanguageModelV3 | null | undefined;
  /** Overrides the exact-duplicate key (episodic turns hash their message id). */
  hashes?: ReadonlyArray<string | undefined>;
  reason?: string;
  /** Episodic inputs are turns of one conversation, in order: link each to the one before. */
  linkTurns?: boolean;
}

/**
 * Everything a write needs that must not happen inside the transaction: embeddings (network for
 * real models), the vector cache (its own queries) and model calls for contradiction detection.
 */
export async function prepareWrites(
  context: MemoryContext,
  inputs: readonly ParsedMemoryInput[],
  options: PrepareOptions = {},
): Promise<PreparedWrite[]> {
  const runtime = memoryRuntime(context.services);
  const { orgId } = context.actor;
  const embeddings = await runtime.embedder.embed(
    inputs.map((input) => embeddingText(input.type, input.content)),
    context.signal,
  );
  const dedup = options.dedup ?? 'full';
  const prepared: PreparedWrite[] = [];
  for (const [index, input] of inputs.entries()) {
    const embedding = embeddings[index] ?? null;
    const key = scopeKey(orgId, input.scope);
    let nearDuplicate: PreparedWrite['nearDuplicate'] = null;
    let related: Array<{ id: string; similarity: number }> = [];
    if (dedup === 'full' && input.type !== 'episodic' && embedding) {
      const index = await runtime.vectors.ensure(context.services.database.db, orgId, input.scope, key);
      related = index.search(embedding, {
        limit: 5,
        types: new Set([input.type]),
        includeInvalid: false,
        now: context.services.clock.now(),
        minimum: 0.5,
      }).hits;
      const best = related[0];
      if (best && best.similarity >= runtime.settings.nearDuplicateThreshold) nearDuplicate = best;
    }
    const contradicts =
      options.model && related.length > 0 && !nearDuplicate
        ? await findContradictions(context, options.model, input, related)
        : [];
    prepared.push({
      input,
      hash: options.hashes?.[index] ?? contentHash(input.content),
      subject: input.subject ?? deriveSubject(input.type, input.content),
      embedding,
      scopeKey: key,
      nearDuplicate,
      contradicts,
      dedup,
      reason: options.reason ?? 'added',
      linkTurn: options.linkTurns === true && input.type === 'episodic',
    });
  }
  return prepared;
}

const liveColumns = memoryColumns;

async function findLive(
  transaction: Kysely<Schema>,
  orgId: string,
  write: PreparedWrite,
  column: 'content_hash' | 'subject',
  value: string,
): Promise<MemoryRow[]> {
  return transaction
    .selectFrom('memory')
    .select(liveColumns)
    .where('org_id', '=', orgId)
    .where('scope_kind', '=', write.input.scope.kind)
    .where('scope_id', '=', write.input.scope.id)
    .where(column, '=', value)
    .where('deleted_at', 'is', null)
    .where('superseded_by', 'is', null)
    .execute();
}

/** The id of the latest live episodic memory of a write's scope (by `occurred_at`), if any. */
async function latestTurn(
  transaction: Kysely<Schema>,
  orgId: string,
  write: PreparedWrite,
): Promise<string | null> {
  const row = await transaction
    .selectFrom('memory')
    .select('id')
    .where('org_id', '=', orgId)
    .where('scope_kind', '=', write.input.scope.kind)
    .where('scope_id', '=', write.input.scope.id)
    .where('type', '=', 'episodic')
    .where('deleted_at', 'is', null)
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}

/** Applies prepared writes in the caller's transaction: dedup, supersede, insert, index, tags, log, events. */
export async function applyWrites(
  transaction: Kysely<Schema>,
  outbox: Outbox,
  context: MemoryContext,
  writes: readonly PreparedWrite[],
): Promise<WriteResult[]> {
  const runtime = memoryRuntime(context.services);
  const results: WriteResult[] = [];
  const batch: Array<{ write: PreparedWrite; id: string }> = [];
  const lastTurns = new Map<string, string | null>();
  for (const write of writes) {
    if (!write.linkTurn) {
      results.push(await applyOne(transaction, outbox, context, runtime, write, batch));
      continue;
    }
    const previousTurnId = lastTurns.has(write.scopeKey)
      ? (lastTurns.get(write.scopeKey) ?? null)
      : await latestTurn(transaction, context.actor.orgId, write);
    const result = await applyOne(transaction, outbox, context, runtime, { ...write, previousTurnId }, batch);
    lastTurns.set(write.scopeKey, result.memory.id);
    results.push(result);
  }
  runtime.faultInjector?.('before-commit');
  return results;
}

async function applyOne(
  transaction: Kysely<Schema>,
  outbox: Outbox,
  context: MemoryContext,
  runtime: MemoryRuntime,
  write: PreparedWrite,
  batch: Array<{ write: PreparedWrite; id: string }>,
): Promise<WriteResult> {
  const { actor } = context;
  const { orgId } = actor;
  const now = context.services.clock.now();
  const input = write.input;

  const [exact] = await findLive(transaction, orgId, write, 'content_hash', write.hash);
  if (exact) return bump(transaction, outbox, context, exact, write, 'exact duplicate', 'duplicate');

  const supersede: Array<{ row: MemoryRow; reason: string }> = [];
  if (write.dedup === 'full' && input.type !== 'episodic') {
    let near: { id: string; similarity: number } | null = write.nearDuplicate;
    for (const pending of batch) {
      if (pending.write.scopeKey !== write.scopeKey || pending.write.input.type !== input.type) continue;
      if (!pending.write.embedding || !write.embedding) continue;
      const similarity = dot(pending.write.embedding, write.embedding);
      if (similarity >= runtime.settings.nearDuplicateThreshold && similarity > (near?.similarity ?? 0)) {
        near = { id: pending.id, similarity };
      }
    }
    if (near) {
      const [row] = await transaction
        .selectFrom('memory')
        .select(liveColumns)
        .where('id', '=', near.id)
        .where('org_id', '=', orgId)
        .where('deleted_at', 'is', null)
        .where('superseded_by', 'is', null)
        .execute();
      if (row) {
        const oldWords = contentWords(row.content);
        const addsNothing = [...contentWords(input.content)].every((word) => oldWords.has(word));
        const reason = `near duplicate (cosine ${near.similarity.toFixed(2)})`;
        if (addsNothing) return bump(transaction, outbox, context, row, write, reason, 'updated');
        supersede.push({ row, reason: `${reason}; restated with new detail` });
      }
    }
    if (write.subject && ['semantic', 'preference', 'relationship'].includes(input.type)) {
      for (const row of await findLive(transaction, orgId, write, 'subject', write.subject)) {
        if (row.type !== input.type || supersede.some((entry) => entry.row.id === row.id)) continue;
        supersede.push({ row, reason: `contradiction: same subject "${write.subject}" with new content` });
      }
    }
  }
  for (const id of write.contradicts) {
    if (supersede.some((entry) => entry.row.id === id)) continue;
    const [row] = await transaction
      .selectFrom('memory')
      .select(liveColumns)
      .where('id', '=', id)
      .where('org_id', '=', orgId)
      .where('deleted_at', 'is', null)
      .where('superseded_by', 'is', null)
      .execute();
    if (row) {
      supersede.push({
        row,
        reason: write.supersedeReason ?? 'contradiction: the model judged the new memory contradicts it',
      });
    }
  }

  const id = context.services.ids.next('mem');
  const lexical = context.services.database.dialect.memoryIndex;
  const [docId] = await lexical.allocateDocIds(transaction, 1);
  const row: MemoryRow & { embedding: Buffer | null } = {
    id,
    org_id: orgId,
    scope_kind: input.scope.kind,
    scope_id: input.scope.id,
    type: input.type,
    content: input.content,
    content_hash: write.hash,
    subject: write.subject,
    importance: input.importance,
    confidence: input.confidence,
    embedding: write.embedding ? encodeVector(write.embedding, runtime.embedder.sparse) : null,
    embedding_model: write.embedding ? runtime.embedder.modelId : null,
    source_message_ids: toJson(input.sourceMessageIds),
    run_id: input.runId,
    valid_from: input.validFrom ?? now,
    valid_to: input.validTo,
    superseded_by: null,
    access_count: 0,
    last_accessed_at: null,
    pinned: input.pinned ? 1 : 0,
    doc_id: docId ?? null,
    occurred_at: input.occurredAt ?? now,
    previous_turn_id: write.previousTurnId ?? null,
    deleted_at: null,
    created_by: actor.id,
    created_at: now,
    updated_at: now,
  };
  await transaction.insertInto('memory').values(row).execute();
  runtime.faultInjector?.('after-insert');
  await lexical.add(transaction, [{ docId: row.doc_id, content: row.content, scopeKey: write.scopeKey }]);
  runtime.faultInjector?.('after-index');
  const tags = [...new Set(input.tags)];
  if (tags.length > 0) {
    await transaction
      .insertInto('memory_tag')
      .values(tags.map((tag) => ({ memory_id: id, org_id: orgId, tag })))
      .execute();
  }
  runtime.faultInjector?.('after-tags');
  await writeLogs(transaction, context.services.ids, now, [
    {
      orgId,
      memoryId: id,
      action: 'create',
      actor,
      reason: write.reason,
      before: null,
      after: snapshot(row, tags),
    },
  ]);
  runtime.faultInjector?.('after-log');
  await outbox.emit({
    type: 'memory-created',
    orgId,
    subjectId: id,
    runId: input.runId,
    payload: { memoryId: id, scopeKind: input.scope.kind, scopeId: input.scope.id, type: input.type },
  });

  let superseded: WriteResult['superseded'] = null;
  for (const entry of supersede) {
    await transaction
      .updateTable('memory')
      .set({ valid_to: now, superseded_by: id, updated_at: now })
      .where('id', '=', entry.row.id)
      .execute();
    await writeLogs(transaction, context.services.ids, now, [
      {
        orgId,
        memoryId: entry.row.id,
        action: 'supersede',
        actor,
        reason: entry.reason,
        before: snapshot(entry.row),
        after: { valid_to: now, superseded_by: id },
      },
    ]);
    await outbox.emit({
      type: 'memory-superseded',
      orgId,
      subjectId: entry.row.id,
      payload: { memoryId: entry.row.id, supersededBy: id, reason: entry.reason },
    });
    const oldTags = await loadTags(transaction, [entry.row.id]);
    superseded ??= toMemory(
      { ...entry.row, valid_to: now, superseded_by: id, updated_at: now },
      oldTags.get(entry.row.id) ?? [],
    );
  }
  batch.push({ write, id });
  const { embedding: _embedding, ...stored } = row;
  return {
    memory: toMemory(stored, tags),
    action: supersede.length > 0 ? 'superseded' : 'created',
    superseded,
  };
}

/** Folds a duplicate into the existing record: max importance, union of tags and sources, pin. */
async function bump(
  transaction: Kysely<Schema>,
  outbox: Outbox,
  context: MemoryContext,
  row: MemoryRow,
  write: PreparedWrite,
  reason: string,
  action: 'duplicate' | 'updated',
): Promise<WriteResult> {
  const { orgId } = context.actor;
  const now = context.services.clock.now();
  const existingTags = (await loadTags(transaction, [row.id])).get(row.id) ?? [];
  const newTags = write.input.tags.filter((tag) => !existingTags.includes(tag));
  const sources = parseJson<string[]>(row.source_message_ids, []);
  const newSources = write.input.sourceMessageIds.filter((source) => !sources.includes(source));
  const changes: Partial<MemoryRow> = {};
  if (write.input.importance > Number(row.importance)) changes.importance = write.input.importance;
  if (write.input.confidence > Number(row.confidence)) changes.confidence = write.input.confidence;
  if (write.input.pinned && Number(row.pinned) !== 1) changes.pinned = 1;
  if (newSources.length > 0) changes.source_message_ids = toJson([...sources, ...newSources]);
  const changed = Object.keys(changes).length > 0 || newTags.length > 0;
  const tags = [...existingTags, ...newTags];
  if (!changed) return { memory: toMemory(row, existingTags), action: 'duplicate', superseded: null };
  await transaction
    .updateTable('memory')
    .set({ ...changes, updated_at: now })
    .where('id', '=', row.id)
    .execute();
  if (newTags.length > 0) {
    await transaction
      .insertInto('memory_tag')
      .values(newTags.map((tag) => ({ memory_id: row.id, org_id: orgId, tag })))
      .execute();
  }
  await writeLogs(transaction, context.services.ids, now, [
    {
      orgId,
      memoryId: row.id,
      action: 'update',
      actor: context.actor,
      reason,
      before: snapshot(row, existingTags),
      after: snapshot({ ...row, ...changes }, tags),
    },
  ]);
  await outbox.emit({
    type: 'memory-updated',
    orgId,
    subjectId: row.id,
    payload: { memoryId: row.id, reason },
  });
  return { memory: toMemory({ ...row, ...changes, updated_at: now }, tags), action, superseded: null };
}
