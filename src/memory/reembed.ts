import { systemActor } from '../context/index.js';
import { transact } from '../events/index.js';
import { enqueueTask, type TaskHandler } from '../tasks/index.js';
import type { MemoryContext, MemoryServices } from './runtime.js';
import { memoryRuntime } from './runtime.js';
import { embeddingText } from './text.js';
import type { MemoryType } from './types.js';
import { encodeVector } from './vector-format.js';

/** The task kind that re-embeds an org's memories with the configured model. */
export const memoryReembedKind = 'memory-reembed';

export interface ReembedReport {
  model: string;
  reembedded: number;
  remaining: number;
}

/** Live memories of the org whose vector is missing or from another model. */
function staleRows(context: MemoryContext, model: string) {
  return context.services.database.db
    .selectFrom('memory')
    .where('org_id', '=', context.actor.orgId)
    .where('deleted_at', 'is', null)
    .where((builder) =>
      builder.or([builder('embedding_model', 'is', null), builder('embedding_model', '!=', model)]),
    );
}

/**
 * Re-embeds the org's memories whose vectors came from another model, `batchSize` at a time:
 * each batch commits on its own (rows, `updated_at` so every process's vector cache re-reads
 * them, and a `memories-reembedded` progress event), so a crash loses at most one batch and a
 * rerun continues where it stopped. Search keeps working throughout: rows not yet re-embedded
 * are found lexically.
 */
export async function reembedMemories(
  context: MemoryContext,
  options: { batchSize?: number; afterBatch?: () => Promise<void> } = {},
): Promise<ReembedReport> {
  const { embedder } = memoryRuntime(context.services);
  const model = embedder.modelId;
  const batchSize = options.batchSize ?? 200;
  let reembedded = 0;
  for (;;) {
    context.signal.throwIfAborted();
    const rows = await staleRows(context, model)
      .select(['id', 'type', 'content', 'scope_kind', 'scope_id'])
      .orderBy('id')
      .limit(batchSize)
      .execute();
    if (rows.length === 0) break;
    const vectors = await embedder.embed(
      rows.map((row) => embeddingText(row.type as MemoryType, row.content)),
      context.signal,
    );
    const now = context.services.clock.now();
    await transact(context.services, async (transaction, outbox) => {
      for (const [index, row] of rows.entries()) {
        const vector = vectors[index];
        if (!vector) continue;
        await transaction
          .updateTable('memory')
          .set({ embedding: encodeVector(vector, embedder.sparse), embedding_model: model, updated_at: now })
          .where('id', '=', row.id)
          .execute();
      }
      const remaining = await staleRows(context, model)
        .select((builder) => builder.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      await outbox.emit({
        type: 'memories-reembedded',
        orgId: context.actor.orgId,
        payload: { model, count: rows.length, remaining: Number(remaining.count) - rows.length },
      });
    });
    reembedded += rows.length;
    await options.afterBatch?.();
  }
  return { model, reembedded, remaining: 0 };
}

/** `memory-reembed` (one per org and model): runs `reembedMemories` with heartbeats between batches. */
export function createMemoryReembedHandler(services: MemoryServices): TaskHandler {
  return async (task) =>
    reembedMemories(
      { services, actor: systemActor(task.task.orgId), signal: task.signal },
      { afterBatch: () => task.heartbeat() },
    );
}

/**
 * Enqueues a `memory-reembed` task for every org holding memories of another model (keyed by org
 * and model, so a restart does not enqueue it twice). Called when the scheduler starts.
 */
export async function ensureReembedTasks(services: MemoryServices): Promise<number> {
  const model = memoryRuntime(services).embedder.modelId;
  const orgs = await services.database.db
    .selectFrom('memory')
    .select('org_id')
    .distinct()
    .where('deleted_at', 'is', null)
    .where((builder) =>
      builder.or([builder('embedding_model', 'is', null), builder('embedding_model', '!=', model)]),
    )
    .execute();
  for (const { org_id: orgId } of orgs) {
    await enqueueTask(services, {
      orgId,
      kind: memoryReembedKind,
      payload: { model },
      idempotencyKey: `${memoryReembedKind}:${model}`,
    });
  }
  return orgs.length;
}
