import type { LanguageModelV3 } from '@ai-sdk/provider';
import { generateText, Output } from 'ai';
import { z } from 'zod';
import { requireRole } from '../context/index.js';
import { transact } from '../events/index.js';
import { truncateText } from '../kernel/index.js';
import { isRealModel } from './contradiction.js';
import { maxContentLength, parseInput, scopeSchema } from './memory-input.js';
import { type LogWrite, snapshot, writeLogs } from './memory-log.js';
import { memoryColumns } from './rows.js';
import type { MemoryContext } from './runtime.js';
import { memoryRuntime } from './runtime.js';
import { ScopeVectorIndex } from './scope-vector-index.js';
import { authorizeScopes, scopeKey } from './scopes.js';
import type { MemoryType } from './types.js';
import { decodeVector } from './vector-format.js';
import { applyWrites, prepareWrites } from './write.js';

const day = 86_400_000;

export const consolidateInputSchema = z.object({
  scope: scopeSchema,
  model: z.custom<LanguageModelV3 | null>().optional(),
  policy: z
    .object({
      /** Most recent live memories examined per run. Default 2,000. */
      maxMemories: z.number().int().min(1).max(100_000).default(2000),
      /** Cosine for merging near-duplicates (same type). Default: the runtime's threshold. */
      mergeThreshold: z.number().min(0).max(1).optional(),
      /** Importance is multiplied by this factor per decay… Default 0.9. */
      decayFactor: z.number().min(0).max(1).default(0.9),
      /** …for unpinned memories untouched (not accessed, not updated) this many days. Default 30. */
      decayAfterDays: z.number().min(0).default(30),
      /** Importance never decays below this. Default 0.05. */
      importanceFloor: z.number().min(0).max(1).default(0.05),
      /** Prune (soft-delete) unpinned, never-accessed, non-episodic memories below this importance… Default 0.1. */
      pruneBelowImportance: z.number().min(0).max(1).default(0.1),
      /** …and older than this. Default 90. */
      pruneAfterDays: z.number().min(0).default(90),
      /** Reflections written per run when a real model is given. Default 3. */
      maxReflections: z.number().int().min(0).max(20).default(3),
    })
    .default({
      maxMemories: 2000,
      decayFactor: 0.9,
      decayAfterDays: 30,
      importanceFloor: 0.05,
      pruneBelowImportance: 0.1,
      pruneAfterDays: 90,
      maxReflections: 3,
    }),
});
export type ConsolidateInput = z.input<typeof consolidateInputSchema>;

export interface ConsolidationReport {
  examined: number;
  merged: number;
  decayed: number;
  pruned: number;
  reflections: number;
}

/**
 * One consolidation pass over a scope (the scheduler calls it): merge near-duplicates into the
 * older record (the newer is superseded), decay the importance of untouched memories, soft-delete
 * by the prune policy (episodic turns and pinned memories are never pruned) and, with a real
 * model, write `reflection` memories. Every change is a `memory_log` entry.
 */
export async function consolidateMemories(
  context: MemoryContext,
  input: ConsolidateInput,
): Promise<ConsolidationReport> {
  const parsed = parseInput(consolidateInputSchema, input);
  const policy = parsed.policy;
  requireRole(context.actor, 'member');
  await authorizeScopes(context, [parsed.scope], 'write');
  const runtime = memoryRuntime(context.services);
  const { db } = context.services.database;
  const { orgId } = context.actor;
  const now = context.services.clock.now();
  const rows = await db
    .selectFrom('memory')
    .select([...memoryColumns, 'embedding'])
    .where('org_id', '=', orgId)
    .where('scope_kind', '=', parsed.scope.kind)
    .where('scope_id', '=', parsed.scope.id)
    .where('deleted_at', 'is', null)
    .where('superseded_by', 'is', null)
    .orderBy('created_at', 'desc')
    .limit(policy.maxMemories)
    .execute();
  const threshold = policy.mergeThreshold ?? runtime.settings.nearDuplicateThreshold;
  const logs: LogWrite[] = [];
  const merges: Array<{ keep: (typeof rows)[number]; drop: (typeof rows)[number]; similarity: number }> = [];
  const dropped = new Set<string>();
  const oldestFirst = [...rows].reverse().filter((row) => row.type !== 'episodic');
  const vectors = new Map(
    oldestFirst.map((row) => [
      row.id,
      row.embedding && row.embedding_model === runtime.embedder.modelId ? decodeVector(row.embedding) : null,
    ]),
  );
  const index = new ScopeVectorIndex(runtime.embedder.dimensions, runtime.embedder.sparse);
  const order = new Map(oldestFirst.map((row, position) => [row.id, position]));
  for (const row of oldestFirst) {
    index.upsert({
      id: row.id,
      type: row.type,
      createdAt: Number(row.created_at),
      validTo: null,
      superseded: false,
      deleted: false,
      vector: vectors.get(row.id) ?? null,
    });
  }
  const byId = new Map(oldestFirst.map((row) => [row.id, row]));
  for (const keep of oldestFirst) {
    const keepVector = vectors.get(keep.id);
    if (dropped.has(keep.id) || !keepVector) continue;
    const neighbours = index.search(keepVector, {
      limit: 10,
      types: new Set([keep.type as MemoryType]),
      includeInvalid: true,
      now,
      minimum: threshold - 1e-6,
    }).hits;
    for (const neighbour of neighbours) {
      const drop = byId.get(neighbour.id);
      if (!drop || drop.id === keep.id || dropped.has(drop.id) || neighbour.similarity < threshold) continue;
      if ((order.get(drop.id) ?? 0) < (order.get(keep.id) ?? 0)) continue;
      merges.push({ keep, drop, similarity: neighbour.similarity });
      dropped.add(drop.id);
    }
  }
  const decays: Array<{ id: string; before: number; after: number }> = [];
  const prunes: Array<(typeof rows)[number]> = [];
  for (const row of rows) {
    if (dropped.has(row.id) || Number(row.pinned) === 1) continue;
    const touched = Math.max(Number(row.updated_at), Number(row.last_accessed_at ?? 0));
    const importance = Math.max(
      Number(row.importance),
      ...merges.filter((merge) => merge.keep.id === row.id).map((merge) => Number(merge.drop.importance)),
    );
    if (
      row.type !== 'episodic' &&
      importance < policy.pruneBelowImportance &&
      Number(row.access_count) === 0 &&
      Number(row.created_at) < now - policy.pruneAfterDays * day
    ) {
      prunes.push(row);
    } else if (touched < now - policy.decayAfterDays * day && importance > policy.importanceFloor) {
      decays.push({
        id: row.id,
        before: importance,
        after: Math.max(policy.importanceFloor, importance * policy.decayFactor),
      });
    }
  }

  const actor = context.actor;
  await transact(context.services, async (transaction, outbox) => {
    const lexical = context.services.database.dialect.memoryIndex;
    for (const { keep, drop, similarity } of merges) {
      const importance = Math.max(Number(keep.importance), Number(drop.importance));
      const accessCount = Number(keep.access_count) + Number(drop.access_count);
      await transaction
        .updateTable('memory')
        .set({ importance, access_count: accessCount, updated_at: now })
        .where('id', '=', keep.id)
        .execute();
      await transaction
        .updateTable('memory')
        .set({ valid_to: now, superseded_by: keep.id, updated_at: now })
        .where('id', '=', drop.id)
        .execute();
      const reason = `merged near duplicate (cosine ${similarity.toFixed(2)})`;
      logs.push(
        {
          orgId,
          memoryId: keep.id,
          action: 'merge',
          actor,
          reason: `${reason} ${drop.id} into it`,
          before: snapshot(keep),
          after: { importance, access_count: accessCount },
        },
        {
          orgId,
          memoryId: drop.id,
          action: 'merge',
          actor,
          reason: `${reason} into ${keep.id}`,
          before: snapshot(drop),
          after: { valid_to: now, superseded_by: keep.id },
        },
      );
      await outbox.emit({
        type: 'memory-merged',
        orgId,
        subjectId: keep.id,
        payload: { memoryId: keep.id, mergedId: drop.id },
      });
    }
    for (const decay of decays) {
      await transaction
        .updateTable('memory')
        .set({ importance: decay.after, updated_at: now })
        .where('id', '=', decay.id)
        .execute();
      logs.push({
        orgId,
        memoryId: decay.id,
        action: 'decay',
        actor,
        reason: `untouched for ${policy.decayAfterDays}+ days`,
        before: { importance: decay.before },
        after: { importance: decay.after },
      });
    }
    for (const row of prunes) {
      await transaction
        .updateTable('memory')
        .set({ deleted_at: now, updated_at: now })
        .where('id', '=', row.id)
        .execute();
      await lexical.remove(transaction, [row.doc_id]);
      logs.push({
        orgId,
        memoryId: row.id,
        action: 'prune',
        actor,
        reason: `importance < ${policy.pruneBelowImportance}, never accessed, older than ${policy.pruneAfterDays} days`,
        before: snapshot(row),
        after: { deleted_at: now },
      });
    }
    await writeLogs(transaction, context.services.ids, now, logs);
    if (merges.length + decays.length + prunes.length > 0) {
      await outbox.emit({
        type: 'memory-consolidated',
        orgId,
        payload: {
          scopeKind: parsed.scope.kind,
          scopeId: parsed.scope.id,
          merged: merges.length,
          decayed: decays.length,
          pruned: prunes.length,
        },
      });
    }
  });
  runtime.vectors.invalidate(scopeKey(orgId, parsed.scope));

  let reflections = 0;
  if (isRealModel(parsed.model) && policy.maxReflections > 0) {
    const sources = rows
      .filter((row) => row.type !== 'episodic' && row.type !== 'reflection' && !dropped.has(row.id))
      .slice(0, 100);
    if (sources.length >= 3) {
      try {
        const result = await generateText({
          model: parsed.model,
          abortSignal: context.signal,
          output: Output.object({
            schema: z.object({
              insights: z.array(z.object({ content: z.string(), importance: z.number().min(0).max(1) })),
            }),
          }),
          system: `From these memories, write at most ${policy.maxReflections} higher-level insights (patterns, lessons) that are not stated verbatim.`,
          prompt: sources.map((row) => `- [${row.type}] ${row.content}`).join('\n'),
        });
        const inputs = result.output.insights.slice(0, policy.maxReflections).map((insight) => ({
          scope: parsed.scope,
          type: 'reflection' as const,
          content: truncateText(insight.content, maxContentLength),
          importance: insight.importance,
          confidence: 0.7,
          tags: ['reflection'],
          pinned: false,
          subject: null,
          sourceMessageIds: [],
          runId: null,
          validTo: null,
        }));
        const prepared = await prepareWrites(context, inputs, { reason: 'reflection by consolidation' });
        const written = await transact(context.services, (transaction, outbox) =>
          applyWrites(transaction, outbox, context, prepared),
        );
        reflections = written.filter(
          (entry) => entry.action === 'created' || entry.action === 'superseded',
        ).length;
        runtime.vectors.invalidate(scopeKey(orgId, parsed.scope));
      } catch (error) {
        context.services.logger.warn({ err: error }, 'reflection failed; consolidation continues without it');
      }
    }
  }
  return {
    examined: rows.length,
    merged: merges.length,
    decayed: decays.length,
    pruned: prunes.length,
    reflections,
  };
}
