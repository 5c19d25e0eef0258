import { systemActor } from '../context/index.js';
import { defineTaskHandler, scheduleJob, type TaskHandler } from '../tasks/index.js';
import { type ConsolidationReport, consolidateMemories } from './consolidation.js';
import { extractMemories } from './extraction.js';
import type { MemoryConfig } from './memory-config.js';
import { createMemoryReembedHandler, memoryReembedKind } from './reembed.js';
import {
  extractionModel,
  type MemoryWiringServices,
  memoryExtractKind,
  memoryExtractPayload,
} from './run-hooks.js';
import { factsScopeOf, loadRunTurn, toConversationMessage } from './run-turn.js';
import type { MemoryContext } from './runtime.js';
import type { ScopeKind } from './types.js';
import { compactIfOverflowing } from './window-compaction.js';

/** The task kind of the scheduled per-org consolidation. */
export const memoryConsolidateKind = 'memory-consolidate';
/** The name of each org's consolidation schedule in `scheduled_job`. */
export const consolidationJobName = 'memory-consolidate';
/** Scopes consolidated per run, most recently changed first. */
const maxScopesPerRun = 500;

function systemContext(services: MemoryWiringServices, orgId: string, signal: AbortSignal): MemoryContext {
  return { services, actor: systemActor(orgId), signal };
}

/**
 * Creates (or re-times) the org's consolidation schedule unless it already has this cron. Does
 * nothing when consolidation is disabled.
 */
export async function ensureConsolidationSchedule(
  services: MemoryWiringServices,
  config: Pick<MemoryConfig, 'consolidateCron'>,
  orgId: string,
): Promise<void> {
  if (config.consolidateCron === null) return;
  const existing = await services.database.db
    .selectFrom('scheduled_job')
    .select(['cron', 'task_kind'])
    .where('org_id', '=', orgId)
    .where('name', '=', consolidationJobName)
    .executeTakeFirst();
  if (existing?.cron === config.consolidateCron && existing.task_kind === memoryConsolidateKind) return;
  await scheduleJob(services, {
    orgId,
    name: consolidationJobName,
    cron: config.consolidateCron,
    taskKind: memoryConsolidateKind,
    payload: {},
  });
}

/** Ensures the consolidation schedule of every org (called when the scheduler starts). */
export async function ensureConsolidationSchedules(
  services: MemoryWiringServices,
  config: Pick<MemoryConfig, 'consolidateCron'>,
): Promise<number> {
  if (config.consolidateCron === null) return 0;
  const orgs = await services.database.db.selectFrom('org').select('id').execute();
  for (const org of orgs) await ensureConsolidationSchedule(services, config, org.id);
  return orgs.length;
}

/**
 * `memory-extract`: stores a finished run's turns (the trigger message and the run's answer) as
 * episodic memories and extracts facts from them — by the run's model when it is real, by the
 * offline rules otherwise — then compacts the chat when its window overflows. Idempotent: turns
 * are keyed by message id, facts dedup by hash.
 */
export function createMemoryExtractHandler(
  services: MemoryWiringServices,
  config: MemoryConfig,
): TaskHandler {
  const scheduledOrgs = new Set<string>();
  return defineTaskHandler(memoryExtractPayload, async (task, { runId }) => {
    const { db } = services.database;
    const turn = await loadRunTurn(db, runId);
    const rows = await db
      .selectFrom('message')
      .select(['id', 'role', 'author_kind', 'content', 'created_at'])
      .where('conversation_id', '=', turn.chatId)
      .where((builder) => builder.or([builder('id', '=', turn.trigger.id), builder('run_id', '=', runId)]))
      .orderBy('seq', 'asc')
      .execute();
    const context = systemContext(services, turn.orgId, task.signal);
    const model = extractionModel(services, turn.model);
    const factsScope = factsScopeOf(turn, config);
    const extraction = await extractMemories(context, {
      model,
      conversationId: turn.chatId,
      runId,
      messages: rows.map(toConversationMessage),
      scopes: { turns: { kind: 'chat', id: turn.chatId }, facts: factsScope },
    });
    const compaction = await compactIfOverflowing(context, config, {
      chatId: turn.chatId,
      userId: turn.userId,
      factsScope,
      model,
      windowTokens: services.runtime.recentWindowTokens,
    });
    if (!scheduledOrgs.has(turn.orgId)) {
      await ensureConsolidationSchedule(services, config, turn.orgId);
      scheduledOrgs.add(turn.orgId);
    }
    return {
      created: extraction.created,
      episodic: extraction.episodic,
      facts: extraction.facts,
      compactedTo: compaction?.compacted ? compaction.cursor : null,
    };
  });
}

/**
 * `memory-consolidate` (scheduled per org): one consolidation pass over each scope of the org
 * that holds live non-episodic memories, most recently changed first. Reflections are written by
 * the default model when it is real.
 */
export function createMemoryConsolidateHandler(services: MemoryWiringServices): TaskHandler {
  return async (task) => {
    const orgId = task.task.orgId;
    const scopes = await services.database.db
      .selectFrom('memory')
      .select(['scope_kind', 'scope_id'])
      .select((builder) => builder.fn.max('updated_at').as('latest'))
      .where('org_id', '=', orgId)
      .where('deleted_at', 'is', null)
      .where('type', '!=', 'episodic')
      .groupBy(['scope_kind', 'scope_id'])
      .orderBy('latest', 'desc')
      .limit(maxScopesPerRun)
      .execute();
    const model = extractionModel(services, services.models.defaultModelSpec());
    const context = systemContext(services, orgId, task.signal);
    const total: ConsolidationReport & { scopes: number } = {
      scopes: 0,
      examined: 0,
      merged: 0,
      decayed: 0,
      pruned: 0,
      reflections: 0,
    };
    for (const scope of scopes) {
      task.signal.throwIfAborted();
      const report = await consolidateMemories(context, {
        scope: { kind: scope.scope_kind as ScopeKind, id: scope.scope_id },
        model,
      });
      total.scopes++;
      total.examined += report.examined;
      total.merged += report.merged;
      total.decayed += report.decayed;
      total.pruned += report.pruned;
      total.reflections += report.reflections;
      await task.heartbeat();
    }
    return total;
  };
}

/** The memory engine's task handlers by kind, for `createWorkerPool`. */
export function memoryTaskHandlers(
  services: MemoryWiringServices,
  config: MemoryConfig,
): Record<string, TaskHandler> {
  return {
    [memoryExtractKind]: createMemoryExtractHandler(services, config),
    [memoryConsolidateKind]: createMemoryConsolidateHandler(services),
    [memoryReembedKind]: createMemoryReembedHandler(services),
  };
}
