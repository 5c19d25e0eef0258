import type { Transaction } from 'kysely';
import { type Actor, systemActor } from '../context/index.js';
import { coerceError, isColonyError } from '../errors/index.js';
import { type Outbox, transact } from '../events/index.js';
import { recordAudit } from '../identity/index.js';
import { cancelRun } from '../runtime/index.js';
import { parseJson, type Row, type Schema } from '../storage/index.js';
import { cancelTask } from '../tasks/index.js';
import { loadMissionRow, loadMissionTasks, missionEvent } from './mission-store.js';
import {
  type MissionBudget,
  terminalMissionStates,
  unfinishedMissionTaskStatuses,
  type Violation,
} from './mission-types.js';
import type { OrchestrationServices } from './services.js';
import { cut } from './text-terms.js';
import { overBudget } from './usage.js';

const terminal = [...terminalMissionStates];
const unfinishedTasks = [...unfinishedMissionTaskStatuses];

/**
 * What happened, for a mission that did not succeed: the reason, then every task with its
 * status, attempts, assignees' runs and violations.
 */
export function failureReport(
  mission: Row<'mission'>,
  tasks: readonly Row<'mission_task'>[],
  reason: string,
): string {
  const lines = [`# Mission ${mission.id} did not succeed`, '', `Goal: ${mission.goal}`, `Reason: ${reason}`];
  lines.push(`Plans: ${mission.generation} (replans: ${mission.replans})`, '');
  for (const task of tasks) {
    const violations = parseJson<Violation[]>(task.violations, []);
    lines.push(
      `- [gen ${task.generation}] ${task.key} · ${task.title}: ${task.status}, ${task.attempts} attempt(s)`,
    );
    if (task.error) lines.push(`  error: ${cut(task.error, 300)}`);
    for (const violation of violations)
      lines.push(`  attempt ${violation.attempt}: ${cut(violation.violations.join('; '), 300)}`);
    if (task.status === 'succeeded' && task.result)
      lines.push(`  result: ${cut(task.result.replace(/\s+/g, ' '), 200)}`);
  }
  return lines.join('\n');
}

/**
 * Cancels the unfinished mission tasks (all, or one generation's), then their engine tasks and
 * runs. The status update comes first: a task starting its runs concurrently either sees it and
 * starts nothing, or commits first and its new run ids are in the update's result.
 */
export async function cancelMissionWork(
  services: OrchestrationServices,
  mission: Row<'mission'>,
  reason: string,
  options: { generation?: number; includeRoot?: boolean } = {},
): Promise<void> {
  const ended = await transact(services, (transaction, outbox) =>
    cancelMissionTaskRows(services, transaction, outbox, mission, reason, options),
  );
  await cancelEngineWork(services, mission, ended, reason, options);
}

type CanceledMissionTask = { key: string; task_id: string; run_ids: string };

/** Marks the unfinished mission tasks canceled inside the caller's transaction. */
async function cancelMissionTaskRows(
  services: OrchestrationServices,
  transaction: Transaction<Schema>,
  outbox: Outbox,
  mission: Row<'mission'>,
  reason: string,
  options: { generation?: number },
): Promise<CanceledMissionTask[]> {
  const now = services.clock.now();
  const rows = await transaction
    .updateTable('mission_task')
    .set({ status: 'canceled', error: reason, finished_at: now, updated_at: now })
    .where('mission_id', '=', mission.id)
    .where('status', 'in', unfinishedTasks)
    .$if(options.generation !== undefined, (query) => query.where('generation', '=', options.generation ?? 0))
    .returning(['key', 'task_id', 'run_ids'])
    .execute();
  for (const task of rows)
    await outbox.emit(missionEvent(mission, 'mission-task-canceled', { key: task.key, reason }));
  return rows;
}

/** Cancels the engine tasks (and so the runs) behind canceled mission tasks, after their commit. */
async function cancelEngineWork(
  services: OrchestrationServices,
  mission: Row<'mission'>,
  ended: readonly CanceledMissionTask[],
  reason: string,
  options: { includeRoot?: boolean },
): Promise<void> {
  if (options.includeRoot) await ignoreMissing(() => cancelTask(services, mission.task_id, reason));
  for (const task of ended) await ignoreMissing(() => cancelTask(services, task.task_id, reason));
  const runIds = ended.flatMap((task) => parseJson<string[]>(task.run_ids, []));
  if (runIds.length === 0) return;
  const active = await services.database.db
    .selectFrom('run')
    .select('id')
    .where('id', 'in', runIds)
    .where('status', 'not in', ['succeeded', 'failed', 'canceled'])
    .execute();
  const context = { services, actor: systemActor(mission.org_id), signal: new AbortController().signal };
  for (const run of active) await ignoreMissing(() => cancelRun(context, run.id, reason));
}

async function ignoreMissing(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (thrown) {
    if (!isColonyError(thrown, 'not_found')) throw thrown;
  }
}

/**
 * Ends a mission that is not finished yet: state `failed` or `canceled` with `reason`, a report
 * of what happened, its outstanding work canceled (the goal manager's task tree, runs included).
 * Returns false when the mission had already ended.
 */
export async function haltMission(
  services: OrchestrationServices,
  missionId: string,
  input: { state: 'failed' | 'canceled'; reason: string; actor?: Actor | undefined },
): Promise<boolean> {
  const before = await loadMissionRow(services.database.db, missionId);
  if (terminal.includes(before.state as (typeof terminal)[number])) return false;
  const tasks = await loadMissionTasks(services.database.db, missionId);
  const halted = await transact(services, async (transaction, outbox) => {
    const now = services.clock.now();
    const updated = await transaction
      .updateTable('mission')
      .set({
        state: input.state,
        error: input.reason,
        report: failureReport(before, tasks, input.reason),
        finished_at: now,
        updated_at: now,
      })
      .where('id', '=', missionId)
      .where('state', 'not in', terminal)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return null;
    await transaction
      .updateTable('mission_checkpoint')
      .set({ status: 'canceled', decided_at: now })
      .where('mission_id', '=', missionId)
      .where('status', '=', 'pending')
      .execute();
    if (input.actor && input.actor.kind !== 'system') {
      await recordAudit(transaction, services, input.actor, {
        action: input.state === 'canceled' ? 'mission.stop' : 'mission.fail',
        resourceType: 'mission',
        resourceId: missionId,
        details: { reason: input.reason },
      });
    }
    // The mission and its unfinished tasks end in one commit: the board is never half-stopped.
    // (Row updates first, events last: the lock order of every transaction.)
    const ended = await cancelMissionTaskRows(services, transaction, outbox, before, input.reason, {});
    await outbox.emit(missionEvent(before, `mission-${input.state}`, { reason: input.reason }));
    return ended;
  });
  if (!halted) return false;
  await cancelEngineWork(services, before, halted, input.reason, { includeRoot: true });
  return true;
}

/** Stops the mission with `budget exceeded` when its usage is over its budget; true when it did. */
export async function enforceBudget(services: OrchestrationServices, missionId: string): Promise<boolean> {
  const mission = await loadMissionRow(services.database.db, missionId);
  if (terminal.includes(mission.state as (typeof terminal)[number])) return false;
  const budget = parseJson<MissionBudget>(mission.budget, {});
  const usage = {
    inputTokens: Number(mission.input_tokens),
    outputTokens: Number(mission.output_tokens),
    costUsd: Number(mission.cost_usd),
  };
  if (!overBudget(usage, budget)) return false;
  const spent = `${usage.inputTokens + usage.outputTokens} tokens, $${usage.costUsd.toFixed(4)}`;
  const limits = [
    budget.maxTokens === undefined ? null : `${budget.maxTokens} tokens`,
    budget.maxCostUsd === undefined ? null : `$${budget.maxCostUsd}`,
  ].filter(Boolean);
  try {
    return await haltMission(services, missionId, {
      state: 'failed',
      reason: `budget exceeded: used ${spent}; budget ${limits.join(', ')}`,
    });
  } catch (thrown) {
    services.logger.error({ err: coerceError(thrown), missionId }, 'could not stop a mission over budget');
    throw thrown;
  }
}
