import type { Kysely } from 'kysely';
import type { Outbox } from '../events/index.js';
import { transact } from '../events/index.js';
import { recordAudit } from '../identity/index.js';
import type { Schema } from '../storage/index.js';
import { toJson } from '../storage/index.js';
import { type ImportItem, importItemSchema, type ParsedImportItem, parseInput } from './memory-input.js';
import { writeLogs } from './memory-log.js';
import type { MemoryContext } from './runtime.js';
import { memoryRuntime } from './runtime.js';
import { authorizeScopes, scopeKey } from './scopes.js';
import { contentHash, deriveSubject, embeddingText } from './text.js';
import { encodeVector } from './vector-format.js';

/** What became of one imported item: a new memory, or the id of the exact duplicate it matched. */
export interface ImportedItem {
  id: string;
  action: 'created' | 'duplicate';
}

export interface ImportResult {
  created: number;
  duplicates: number;
  /** One entry per input, in input order. */
  items: ImportedItem[];
}

export interface ImportOptions {
  /** Memories per multi-row insert round (and per transaction unless `atomic`). Default 500. */
  batchSize?: number;
  /** Logged as the reason of each created memory. Default `imported`. */
  reason?: string;
  /** One transaction for the whole call: all of it is stored or none (the HTTP import). */
  atomic?: boolean;
  /** Field-name prefix of validation errors, e.g. `items` → `items[12].content`. */
  field?: string;
}

const scopeOf = (input: ParsedImportItem) => `${input.scope.kind}\u0000${input.scope.id}`;

/**
 * Bulk ingestion (the import route, backfills, benchmarks): multi-row inserts of rows, lexical
 * index entries, tags and log entries, one audit row and one `memories-imported` event per
 * transaction. Only exact duplicates (content hash in scope, or earlier in the same input) are
 * detected — no near-duplicate or contradiction checks; use `addMemory` for those.
 *
 * @example
 * const result = await importMemories(context, items, { atomic: true, field: 'items' });
 * // result.items[3] → { id: 'mem_…', action: 'duplicate' }
 */
export async function importMemories(
  context: MemoryContext,
  inputs: readonly ImportItem[],
  options: ImportOptions = {},
): Promise<ImportResult> {
  const prefix = options.field ?? '';
  const fieldOf = (index: number) => (prefix === '' ? `[${index}]` : `${prefix}.${index}`);
  const parsed = inputs.map((input, index) => parseInput(importItemSchema, input, fieldOf(index)));
  const distinct = new Map<string, { scope: ParsedImportItem['scope']; index: number }>();
  parsed.forEach((input, index) => {
    if (!distinct.has(scopeOf(input))) distinct.set(scopeOf(input), { scope: input.scope, index });
  });
  // Scope by scope, so an error names the first item that uses the unknown or forbidden scope.
  for (const { scope, index } of distinct.values()) {
    await authorizeScopes(context, [scope], 'write', `${fieldOf(index)}.scope`);
  }
  const runtime = memoryRuntime(context.services);
  const batchSize = options.batchSize ?? 500;
  const batches: Array<{ offset: number; batch: ParsedImportItem[]; vectors: Float32Array[] }> = [];
  const embed = async (offset: number) => {
    const batch = parsed.slice(offset, offset + batchSize);
    const texts = batch.map((input) => embeddingText(input.type, input.content));
    return { offset, batch, vectors: await runtime.embedder.embed(texts, context.signal) };
  };
  const reason = options.reason ?? 'imported';
  const store = (work: typeof batches, guarded: boolean) =>
    transact(
      context.services,
      async (transaction, outbox) => {
        const done: ImportedItem[] = [];
        for (const { batch, vectors } of work) {
          done.push(...(await insertBatch(context, transaction, batch, vectors, reason)));
        }
        const result = summarize(done);
        await finish(context, transaction, outbox, result.created, reason);
        return result;
      },
      guarded ? context.idempotency : undefined,
    );
  const items: ImportedItem[] = [];
  for (let offset = 0; offset < parsed.length; offset += batchSize) {
    const embedded = await embed(offset);
    if (options.atomic) batches.push(embedded);
    else items.push(...(await store([embedded], false)).items);
  }
  const result = options.atomic ? await store(batches, true) : summarize(items);
  for (const { scope } of distinct.values()) runtime.vectors.invalidate(scopeKey(context.actor.orgId, scope));
  return result;
}

function summarize(items: ImportedItem[]): ImportResult {
  const created = items.filter((item) => item.action === 'created').length;
  return { created, duplicates: items.length - created, items };
}

async function finish(
  context: MemoryContext,
  transaction: Kysely<Schema>,
  outbox: Outbox,
  created: number,
  reason: string,
): Promise<void> {
  if (created === 0) return;
  await recordAudit(transaction, context.services, context.actor, {
    action: 'memory.import',
    resourceType: 'memory',
    details: { created, reason },
  });
  await outbox.emit({ type: 'memories-imported', orgId: context.actor.orgId, payload: { count: created } });
}

/** Existing live memories of the batch's scopes with one of its hashes, by scope + hash. */
async function existingHashes(
  transaction: Kysely<Schema>,
  orgId: string,
  batch: readonly ParsedImportItem[],
  hashes: readonly string[],
): Promise<Map<string, string>> {
  const existing = new Map<string, string>();
  const byScope = new Map<string, { input: ParsedImportItem; hashes: Set<string> }>();
  batch.forEach((input, index) => {
    const entry = byScope.get(scopeOf(input)) ?? { input, hashes: new Set<string>() };
    entry.hashes.add(hashes[index] ?? '');
    byScope.set(scopeOf(input), entry);
  });
  for (const [key, { input, hashes: scopeHashes }] of byScope) {
    const rows = await transaction
      .selectFrom('memory')
      .select(['id', 'content_hash'])
      .where('org_id', '=', orgId)
      .where('scope_kind', '=', input.scope.kind)
      .where('scope_id', '=', input.scope.id)
      .where('content_hash', 'in', [...scopeHashes])
      .where('deleted_at', 'is', null)
      .where('superseded_by', 'is', null)
      .execute();
    for (const row of rows) existing.set(`${key}\u0000${row.content_hash}`, row.id);
  }
  return existing;
}

async function insertBatch(
  context: MemoryContext,
  transaction: Kysely<Schema>,
  batch: readonly ParsedImportItem[],
  vectors: readonly Float32Array[],
  reason: string,
): Promise<ImportedItem[]> {
  const runtime = memoryRuntime(context.services);
  const { orgId } = context.actor;
  const lexical = context.services.database.dialect.memoryIndex;
  const now = context.services.clock.now();
  const hashes = batch.map((input) => contentHash(input.content));
  const known = await existingHashes(transaction, orgId, batch, hashes);
  const items: ImportedItem[] = [];
  const fresh: number[] = [];
  batch.forEach((input, index) => {
    const key = `${scopeOf(input)}\u0000${hashes[index]}`;
    const id = known.get(key);
    if (id !== undefined) {
      items.push({ id, action: 'duplicate' });
      return;
    }
    const newId = context.services.ids.next('mem');
    known.set(key, newId);
    items.push({ id: newId, action: 'created' });
    fresh.push(index);
  });
  if (fresh.length === 0) return items;
  const docIds = await lexical.allocateDocIds(transaction, fresh.length);
  const rows = fresh.map((index, position) => {
    const input = batch[index] as ParsedImportItem;
    const vector = vectors[index];
    return {
      id: (items[index] as ImportedItem).id,
      org_id: orgId,
      scope_kind: input.scope.kind,
      scope_id: input.scope.id,
      type: input.type,
      content: input.content,
      content_hash: hashes[index] ?? contentHash(input.content),
      subject: input.subject ?? deriveSubject(input.type, input.content),
      importance: input.importance,
      confidence: input.confidence,
      embedding: vector ? encodeVector(vector, runtime.embedder.sparse) : null,
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
  runtime.faultInjector?.('after-index');
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
    rows.map((row, position) => ({
      orgId,
      memoryId: row.id,
      action: 'create' as const,
      actor: context.actor,
      reason: sourceReason(batch[fresh[position] ?? 0]?.source, reason),
      before: null,
      after: { type: row.type, importance: row.importance },
    })),
  );
  return items;
}

/** The log reason of an imported memory: where it came from, when the item says. */
function sourceReason(source: string | undefined, reason: string): string {
  return source === undefined ? reason : `${reason} from ${source}`;
}
