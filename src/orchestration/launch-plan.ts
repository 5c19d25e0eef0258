import { transact } from '../events/index.js';
import { parseJson, type Row, toJson } from '../storage/index.js';
import { enqueueTask } from '../tasks/index.js';
import { decideRoute, type GateDecision } from './expert-gate.js';
import { missionEvent } from './mission-store.js';
import type { MissionOptions } from './mission-types.js';
import { answersWanted, type Plan, topologicalOrder } from './plan.js';
import type { PlannerResult } from './planner.js';
import { loadCandidates, logDecision } from './routing-store.js';
import { missionTaskKind, type OrchestrationServices } from './services.js';
import type { Usage } from './usage.js';

/** Engine attempts of a mission task's handler (crashes, transient errors); acceptance retries are separate. */
const handlerAttempts = 5;

/**
 * Assigns every planned task through the expert gate and starts the plan: inserts the mission
 * tasks and their routing decisions, enqueues one durable task per mission task (dependencies =
 * the DAG, children of the goal manager's task) and moves the mission to `running` — one
 * transaction. Tasks assigned earlier in the same plan count as load, so parallel work spreads.
 */
export async function launchPlan(
  services: OrchestrationServices,
  mission: Row<'mission'>,
  planned: Extract<PlannerResult, { ok: true }>,
  signal: AbortSignal,
): Promise<{ tasks: number }> {
  const options = parseJson<MissionOptions>(mission.options, {} as MissionOptions);
  const generation = Number(mission.generation);
  const plan: Plan = planned.plan;
  const ordered = topologicalOrder(plan.tasks);
  const candidates = await loadCandidates(services, mission.org_id, options.agents);
  const decisions = new Map<string, GateDecision>();
  for (const task of ordered) {
    const k = Math.min(answersWanted(task), candidates.length);
    const decision = await decideRoute(`${task.title}\n${task.capability}\n${task.description}`, candidates, {
      models: services.models,
      k,
      weights: options.routing?.weights,
      margin: options.routing?.margin,
      routerModel: options.routing?.routerModel ?? options.model,
      signal,
    });
    decisions.set(task.id, decision);
    for (const chosen of decision.chosen) {
      const candidate = candidates.find((entry) => entry.agentId === chosen);
      if (candidate) candidate.active++;
    }
  }
  const names = new Map(candidates.map((candidate) => [candidate.agentId, candidate.name]));
  await transact(services, async (transaction, outbox) => {
    const now = services.clock.now();
    const engineIds = new Map<string, string>();
    const summary: Array<Record<string, unknown>> = [];
    for (const task of ordered) {
      const decision = decisions.get(task.id);
      if (!decision) continue;
      const missionTaskId = services.ids.next('mst');
      const engineId = services.ids.next('tsk');
      engineIds.set(task.id, engineId);
      const decisionId = await logDecision(
        transaction,
        services,
        {
          orgId: mission.org_id,
          missionId: mission.id,
          missionTaskId,
          taskRef: `${mission.id}/${generation}/${task.id}`,
        },
        decision,
      );
      await transaction
        .insertInto('mission_task')
        .values({
          id: missionTaskId,
          org_id: mission.org_id,
          mission_id: mission.id,
          generation,
          key: task.id,
          title: task.title,
          description: task.description,
          capability: task.capability,
          depends_on: toJson(task.depends_on),
          acceptance: toJson(task.acceptance),
          k: decision.chosen.length,
          assignees: toJson(decision.chosen),
          routing_decision_id: decisionId,
          status: 'pending',
          attempts: 0,
          max_attempts: options.maxAttempts,
          result: null,
          votes: null,
          violations: toJson([]),
          run_ids: toJson([]),
          error: null,
          input_tokens: 0,
          output_tokens: 0,
          cost_usd: 0,
          task_id: engineId,
          created_at: now,
          started_at: null,
          finished_at: null,
          updated_at: now,
        })
        .execute();
      await enqueueTask(
        services,
        {
          id: engineId,
          orgId: mission.org_id,
          kind: missionTaskKind,
          payload: { missionId: mission.id, missionTaskId },
          parentId: mission.task_id,
          maxAttempts: handlerAttempts,
          dependsOn: task.depends_on.flatMap((key) => {
            const id = engineIds.get(key);
            return id ? [id] : [];
          }),
        },
        transaction,
      );
      summary.push({
        key: task.id,
        title: task.title,
        dependsOn: task.depends_on,
        assignees: decision.chosen.map((id) => names.get(id) ?? id),
        routing: decision.method,
      });
    }
    const usage: Usage = planned.usage;
    await transaction
      .updateTable('mission')
      .set((builder) => ({
        state: 'running',
        plan: toJson(plan),
        input_tokens: builder('input_tokens', '+', usage.inputTokens),
        output_tokens: builder('output_tokens', '+', usage.outputTokens),
        cost_usd: builder('cost_usd', '+', usage.costUsd),
        updated_at: now,
      }))
      .where('id', '=', mission.id)
      .where('state', '=', 'planning')
      .execute();
    await outbox.emit(
      missionEvent(mission, 'mission-planned', {
        generation,
        method: planned.method,
        plannerAttempts: planned.attempts,
        tasks: summary,
      }),
    );
  });
  services.runs.afterCommit();
  return { tasks: ordered.length };
}
