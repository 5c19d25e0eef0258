import { coerceError } from '../errors/index.js';
import { transact } from '../events/index.js';
import { parseJson, type Row } from '../storage/index.js';
import { defineTaskHandler, isRetryable, type TaskHandler, type TaskRunContext } from '../tasks/index.js';
import { aggregateReport } from './aggregator.js';
import { reachCheckpoint } from './checkpoints.js';
import { launchPlan } from './launch-plan.js';
import { loadMissionRow, loadMissionTasks, missionEvent } from './mission-store.js';
import { type MissionOptions, terminalMissionStates, type Violation } from './mission-types.js';
import { cancelMissionWork, enforceBudget, haltMission } from './mission-work.js';
import { planMission, type ReplanContext } from './planner.js';
import { loadCandidates } from './routing-store.js';
import { missionPayload, type OrchestrationServices } from './services.js';
import { cut } from './text-terms.js';

const isTerminal = (state: string) => (terminalMissionStates as readonly string[]).includes(state);

/** One replan is allowed; a second failure fails the mission. */
const maxReplans = 1;

/**
 * The goal manager: the durable task behind a mission. It plans (and replans once), launches the
 * plan, then suspends; every mission task that ends resumes it, and it decides: wait, replan,
 * fail (retries exhausted, error threshold; deadlines and budgets stop the mission directly), or
 * — when every task succeeded — pass the checkpoint, aggregate and succeed. Every decision is a
 * memoized step, so a crash or restart repeats none.
 */
export function createGoalManager(services: OrchestrationServices): TaskHandler {
  return defineTaskHandler(missionPayload, async (context, { missionId }) => {
    try {
      return await manage(services, context, missionId);
    } catch (thrown) {
      if (context.signal.aborted) throw thrown;
      if (context.attempt >= context.task.maxAttempts || !isRetryable(coerceError(thrown))) {
        const reason = `the goal manager failed: ${cut(coerceError(thrown).message, 500)}`;
        await haltMission(services, missionId, { state: 'failed', reason });
      }
      throw thrown;
    }
  });
}

async function manage(
  services: OrchestrationServices,
  context: TaskRunContext,
  missionId: string,
): Promise<unknown> {
  const db = services.database.db;
  for (;;) {
    const mission = await loadMissionRow(db, missionId);
    if (isTerminal(mission.state)) return { state: mission.state };
    const options = parseJson<MissionOptions>(mission.options, {} as MissionOptions);
    const generation = Number(mission.generation);

    if (mission.state === 'planning') {
      const replan = generation > 1 ? await replanContext(services, mission) : undefined;
      const planned = await context.step(`plan-${generation}`, async () => {
        const candidates = await loadCandidates(services, mission.org_id, options.agents);
        return planMission(services.models, {
          goal: mission.goal,
          model: options.model,
          agents: candidates.map((candidate) => ({
            name: candidate.name,
            capability: [candidate.capabilityText, ...candidate.tags].join(' '),
          })),
          replan,
          signal: context.signal,
        });
      });
      if (!planned.ok) {
        const reason = `planning failed after ${planned.attempts} attempt(s): ${planned.errors.join('; ')}`;
        await haltMission(services, missionId, { state: 'failed', reason });
        return { state: 'failed' };
      }
      await context.step(`launch-${generation}`, () =>
        launchPlan(services, mission, planned, context.signal),
      );
      if (await enforceBudget(services, missionId)) return { state: 'failed' };
      continue;
    }

    const tasks = await loadMissionTasks(db, missionId);
    const current = tasks.filter((task) => Number(task.generation) === generation);
    const failed = current.filter((task) => task.status === 'failed');
    const errors = current.reduce((sum, task) => sum + parseJson<Violation[]>(task.violations, []).length, 0);
    if (failed.length > 0 || errors >= options.errorThreshold) {
      const reason =
        failed.length > 0
          ? `${failed.map((task) => `task ${task.key} failed (${cut(task.error ?? 'unknown error', 300)})`).join('; ')}`
          : `error threshold reached: ${errors} violations or failed runs (threshold ${options.errorThreshold})`;
      if (Number(mission.replans) >= maxReplans) {
        await haltMission(services, missionId, {
          state: 'failed',
          reason: `${reason}; already replanned, giving up`,
        });
        return { state: 'failed' };
      }
      await context.step(`replan-${generation}`, () => startReplan(services, mission, reason));
      continue;
    }
    if (current.some((task) => task.status !== 'succeeded')) {
      return context.suspend(
        `waiting for ${current.filter((task) => task.status !== 'succeeded').length} mission task(s)`,
      );
    }

    if (options.checkpoints === true) {
      const status = await context.step('checkpoint-before-aggregation', () =>
        reachCheckpoint(services, mission, 'before-aggregation', context.task.id),
      );
      const checkpoint = await db
        .selectFrom('mission_checkpoint')
        .select('status')
        .where('mission_id', '=', missionId)
        .where('name', '=', 'before-aggregation')
        .executeTakeFirst();
      if ((checkpoint?.status ?? status) === 'pending')
        return context.suspend('waiting for checkpoint approval');
    }
    return aggregate(services, context, mission, tasks);
  }
}

async function replanContext(
  services: OrchestrationServices,
  mission: Row<'mission'>,
): Promise<ReplanContext> {
  const tasks = await loadMissionTasks(services.database.db, mission.id);
  const previous = tasks.filter((task) => Number(task.generation) < Number(mission.generation));
  return {
    reason: mission.error ?? 'the previous plan failed',
    completed: previous
      .filter((task) => task.status === 'succeeded')
      .map((task) => ({ key: task.key, title: task.title, result: task.result ?? '' })),
    failed: previous
      .filter((task) => task.status === 'failed')
      .map((task) => ({
        key: task.key,
        title: task.title,
        error: task.error ?? '',
        violations: parseJson<Violation[]>(task.violations, []).flatMap((violation) => violation.violations),
      })),
  };
}

/** Cancels the failing plan's outstanding work and returns the mission to `planning` (next generation). */
async function startReplan(
  services: OrchestrationServices,
  mission: Row<'mission'>,
  reason: string,
): Promise<true> {
  await cancelMissionWork(services, mission, `replanning: ${reason}`, {
    generation: Number(mission.generation),
  });
  await transact(services, async (transaction, outbox) => {
    await transaction
      .updateTable('mission')
      .set((builder) => ({
        state: 'planning',
        generation: builder('generation', '+', 1),
        replans: builder('replans', '+', 1),
        error: reason,
        updated_at: services.clock.now(),
      }))
      .where('id', '=', mission.id)
      .where('state', 'not in', [...terminalMissionStates])
      .execute();
    await outbox.emit(
      missionEvent(mission, 'mission-replanned', { generation: Number(mission.generation) + 1, reason }),
    );
  });
  return true;
}

async function aggregate(
  services: OrchestrationServices,
  context: TaskRunContext,
  mission: Row<'mission'>,
  tasks: readonly Row<'mission_task'>[],
): Promise<unknown> {
  const options = parseJson<MissionOptions>(mission.options, {} as MissionOptions);
  await context.step('aggregating', () =>
    transact(services, async (transaction, outbox) => {
      await transaction
        .updateTable('mission')
        .set({ state: 'aggregating', updated_at: services.clock.now() })
        .where('id', '=', mission.id)
        .where('state', 'not in', [...terminalMissionStates])
        .execute();
      await outbox.emit(missionEvent(mission, 'mission-aggregating', {}));
      return true;
    }),
  );
  const names = new Map(
    (
      await services.database.db
        .selectFrom('agent')
        .select(['id', 'name'])
        .where('org_id', '=', mission.org_id)
        .execute()
    ).map((row) => [row.id, row.name]),
  );
  const answered = newestSucceeded(tasks).map((task) => {
    const votes = parseJson<{ method?: string; tally?: Array<{ count: number }> } | null>(task.votes, null);
    const agents = parseJson<string[]>(task.assignees, []);
    return {
      key: task.key,
      title: task.title,
      agents: agents.map((id) => names.get(id) ?? id),
      answer: task.result ?? '',
      vote:
        agents.length > 1 && votes
          ? `${votes.method} ${votes.tally?.[0]?.count ?? 0}/${agents.length}`
          : undefined,
    };
  });
  const aggregated = await context.step('aggregate', () =>
    aggregateReport(services.models, {
      model: options.model,
      goal: mission.goal,
      tasks: answered,
      signal: context.signal,
    }),
  );
  await context.step('succeed', () =>
    transact(services, async (transaction, outbox) => {
      const now = services.clock.now();
      const updated = await transaction
        .updateTable('mission')
        .set((builder) => ({
          state: 'succeeded',
          report: aggregated.report,
          error: null,
          input_tokens: builder('input_tokens', '+', aggregated.usage.inputTokens),
          output_tokens: builder('output_tokens', '+', aggregated.usage.outputTokens),
          cost_usd: builder('cost_usd', '+', aggregated.usage.costUsd),
          finished_at: now,
          updated_at: now,
        }))
        .where('id', '=', mission.id)
        .where('state', 'not in', [...terminalMissionStates])
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 1) {
        await outbox.emit(
          missionEvent(mission, 'mission-succeeded', { method: aggregated.method, tasks: answered.length }),
        );
      }
      return true;
    }),
  );
  return { state: 'succeeded' };
}

/** The succeeded task of each key, newest plan first (a replan may redo a key). */
function newestSucceeded(tasks: readonly Row<'mission_task'>[]): Row<'mission_task'>[] {
  const byKey = new Map<string, Row<'mission_task'>>();
  for (const task of tasks) {
    if (task.status !== 'succeeded') continue;
    const existing = byKey.get(task.key);
    if (!existing || Number(existing.generation) < Number(task.generation)) byKey.set(task.key, task);
  }
  return [...byKey.values()];
}
