import { systemActor } from '../context/index.js';
import { coerceError } from '../errors/index.js';
import { transact } from '../events/index.js';
import { type AgentTaskResult, agentTaskResult, startAgentTask } from '../runtime/index.js';
import { parseJson, type Row, toJson } from '../storage/index.js';
import {
  defineTaskHandler,
  isRetryable,
  permanentError,
  resumeTask,
  type TaskHandler,
  type TaskRunContext,
} from '../tasks/index.js';
import { reachCheckpoint } from './checkpoints.js';
import { handoffNotes, taskPrompt } from './handoff.js';
import { loadMissionRow, missionEvent } from './mission-store.js';
import { type MissionOptions, terminalMissionStates, type Violation } from './mission-types.js';
import { enforceBudget } from './mission-work.js';
import { recordOutcome } from './routing-store.js';
import { missionTaskPayload, type OrchestrationServices } from './services.js';
import { cut, normalizeAnswer } from './text-terms.js';
import { addUsage, noUsage } from './usage.js';
import { verifyAnswer } from './verifier.js';
import { vote } from './voting.js';

const finishedRun = new Set<AgentTaskResult['status']>(['succeeded', 'failed', 'canceled']);
const isTerminal = (state: string) => (terminalMissionStates as readonly string[]).includes(state);

interface Started {
  runIds: string[];
  agentIds: string[];
  /** The task was canceled before its runs started. */
  stopped?: boolean;
}

interface Judged {
  pass: boolean;
  violations: string[];
  answer: string | null;
}

/**
 * Executes one mission task: starts its assigned agent(s) on the task (with handoff notes from the
 * tasks it depends on), suspends until their runs end, votes when several answered, runs the
 * acceptance check, and retries with the violations in the prompt until it passes or its attempts
 * are used up. It then waits at a checkpoint if one is set after it, and resumes the goal manager.
 */
export function createMissionTaskHandler(services: OrchestrationServices): TaskHandler {
  return defineTaskHandler(missionTaskPayload, async (context, { missionId, missionTaskId }) => {
    try {
      return await execute(services, context, missionId, missionTaskId);
    } catch (thrown) {
      if (context.signal.aborted) throw thrown;
      if (context.attempt >= context.task.maxAttempts || !isRetryable(coerceError(thrown))) {
        await failTask(
          services,
          missionId,
          missionTaskId,
          `the task handler failed: ${cut(coerceError(thrown).message, 500)}`,
        );
      }
      throw thrown;
    }
  });
}

async function loadTask(
  services: OrchestrationServices,
  missionTaskId: string,
): Promise<Row<'mission_task'>> {
  return services.database.db
    .selectFrom('mission_task')
    .selectAll()
    .where('id', '=', missionTaskId)
    .executeTakeFirstOrThrow();
}

async function execute(
  services: OrchestrationServices,
  context: TaskRunContext,
  missionId: string,
  missionTaskId: string,
): Promise<unknown> {
  const db = services.database.db;
  const mission = await loadMissionRow(db, missionId);
  const task = await loadTask(services, missionTaskId);
  if (isTerminal(mission.state) || ['succeeded', 'failed', 'canceled'].includes(task.status)) {
    return { status: task.status };
  }
  const options = parseJson<MissionOptions>(mission.options, {} as MissionOptions);
  const maxAttempts = Number(task.max_attempts);
  for (let attempt = 1; ; attempt++) {
    const started = await context.step(`start-${attempt}`, () =>
      startAttempt(services, mission, task, attempt, context),
    );
    services.runs.afterCommit();
    if (started.stopped) return { status: 'stopped' };
    const results = await Promise.all(started.runIds.map((runId) => agentTaskResult(services, runId)));
    const waiting = results.filter((result) => !finishedRun.has(result.status)).length;
    if (waiting > 0) return context.suspend(`waiting for ${waiting} agent run(s)`);
    if (isTerminal((await loadMissionRow(db, missionId)).state)) return { status: 'stopped' };
    const judged = await context.step(`judge-${attempt}`, () =>
      judgeAttempt(services, mission, task, attempt, started, results, options, context.signal),
    );
    if (await enforceBudget(services, missionId)) return { status: 'stopped' };
    if (judged.pass) break;
    if (attempt >= maxAttempts) {
      const error = `acceptance failed ${attempt} time(s); last violations: ${judged.violations.join('; ')}`;
      await context.step('fail', () => failTask(services, missionId, missionTaskId, error));
      throw permanentError(new Error(error));
    }
  }
  const checkpoints = options.checkpoints;
  if (Array.isArray(checkpoints) && checkpoints.includes(task.key)) {
    await context.step('checkpoint', () =>
      reachCheckpoint(services, mission, task.key, context.task.id, task.id),
    );
    const checkpoint = await db
      .selectFrom('mission_checkpoint')
      .select('status')
      .where('mission_id', '=', missionId)
      .where('name', '=', task.key)
      .executeTakeFirst();
    if (checkpoint?.status === 'pending') return context.suspend('waiting for checkpoint approval');
  }
  await context.step('finish', () => finishTask(services, mission, missionTaskId));
  return { status: 'succeeded' };
}

async function startAttempt(
  services: OrchestrationServices,
  mission: Row<'mission'>,
  task: Row<'mission_task'>,
  attempt: number,
  context: TaskRunContext,
): Promise<Started> {
  const agentIds = parseJson<string[]>(task.assignees, []);
  const names = new Map(
    (
      await services.database.db
        .selectFrom('agent')
        .select(['id', 'name'])
        .where('org_id', '=', mission.org_id)
        .execute()
    ).map((row) => [row.id, row.name]),
  );
  return transact(services, async (transaction, outbox) => {
    // Claim the row first (a concurrent stop either already canceled it, or waits for this commit).
    const now = services.clock.now();
    const claimed = await transaction
      .updateTable('mission_task')
      .set({ status: 'running', attempts: attempt, updated_at: now })
      .where('id', '=', task.id)
      .where('status', 'in', ['pending', 'running'])
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return { runIds: [], agentIds: [], stopped: true };
    const fresh = await transaction
      .selectFrom('mission_task')
      .selectAll()
      .where('id', '=', task.id)
      .executeTakeFirstOrThrow();
    const notes = await handoffNotes(transaction, services, fresh, names);
    const content = taskPrompt({
      goal: mission.goal,
      task: fresh,
      notes,
      violations: parseJson<Violation[]>(fresh.violations, []),
    });
    const runIds: string[] = [];
    const joined = {
      services,
      actor: systemActor(mission.org_id, mission.created_by ?? 'system'),
      signal: context.signal,
      unitOfWork: { transaction, outbox },
    };
    for (const agentId of agentIds) {
      const run = await startAgentTask(joined, {
        orgId: mission.org_id,
        agent: agentId,
        content,
        title: `mission ${mission.id} · ${task.key} · attempt ${attempt}`,
        parentTaskId: context.task.id,
        createdBy: mission.created_by ?? 'system',
      });
      runIds.push(run.runId);
    }
    await transaction
      .updateTable('mission_task')
      .set({
        run_ids: toJson([...parseJson<string[]>(fresh.run_ids, []), ...runIds]),
        started_at: fresh.started_at ?? now,
        updated_at: now,
      })
      .where('id', '=', task.id)
      .execute();
    await outbox.emit(
      missionEvent(mission, 'mission-task-started', {
        key: task.key,
        attempt,
        agents: agentIds.map((id) => names.get(id) ?? id),
        runIds,
        handoffs: notes.map((note) => note.fromKey),
      }),
    );
    return { runIds, agentIds };
  });
}

async function judgeAttempt(
  services: OrchestrationServices,
  mission: Row<'mission'>,
  task: Row<'mission_task'>,
  attempt: number,
  started: Started,
  results: readonly AgentTaskResult[],
  options: MissionOptions,
  signal: AbortSignal,
): Promise<Judged> {
  const ballots = results.flatMap((result, index) =>
    result.status === 'succeeded' && result.text !== null
      ? [{ agentId: started.agentIds[index] ?? '', text: result.text }]
      : [],
  );
  const runUsage = results.reduce((sum, result) => addUsage(sum, result.usage), noUsage());
  let answer: string | null = null;
  let votes: ReturnType<typeof vote> | null = null;
  let violations: string[];
  let verifierUsage = noUsage();
  if (ballots.length === 0) {
    const errors = results.map(
      (result) => `${result.status}${result.error ? `: ${cut(result.error, 200)}` : ''}`,
    );
    violations = [`no agent run produced an answer (${errors.join('; ')})`];
  } else {
    votes = vote(ballots);
    answer = ballots[votes.winner]?.text ?? null;
    const verdict = await verifyAnswer(services.models, {
      model: options.model,
      goal: mission.goal,
      task: {
        key: task.key,
        title: task.title,
        description: task.description,
        acceptance: parseJson<string[]>(task.acceptance, []),
      },
      answer,
      signal,
    });
    violations = verdict.violations;
    verifierUsage = verdict.usage;
  }
  const pass = violations.length === 0;
  const winning = answer === null ? '' : normalizeAnswer(answer);
  const usage = addUsage(runUsage, verifierUsage);
  await transact(services, async (transaction, outbox) => {
    const fresh = await transaction
      .selectFrom('mission_task')
      .selectAll()
      .where('id', '=', task.id)
      .executeTakeFirstOrThrow();
    const recorded = parseJson<Violation[]>(fresh.violations, []).filter(
      (entry) => entry.attempt !== attempt,
    );
    if (!pass) {
      recorded.push({
        attempt,
        agentId: started.agentIds[0] ?? null,
        runId: started.runIds[0] ?? null,
        violations,
        at: services.clock.now(),
      });
    }
    await transaction
      .updateTable('mission_task')
      .set((builder) => ({
        violations: toJson(recorded),
        votes: votes && started.agentIds.length > 1 ? toJson(votes) : null,
        result: pass ? answer : fresh.result,
        input_tokens: builder('input_tokens', '+', usage.inputTokens),
        output_tokens: builder('output_tokens', '+', usage.outputTokens),
        cost_usd: builder('cost_usd', '+', usage.costUsd),
        updated_at: services.clock.now(),
      }))
      .where('id', '=', task.id)
      .execute();
    await transaction
      .updateTable('mission')
      .set((builder) => ({
        input_tokens: builder('input_tokens', '+', usage.inputTokens),
        output_tokens: builder('output_tokens', '+', usage.outputTokens),
        cost_usd: builder('cost_usd', '+', usage.costUsd),
        updated_at: services.clock.now(),
      }))
      .where('id', '=', mission.id)
      .execute();
    for (const [index, agentId] of started.agentIds.entries()) {
      const result = results[index];
      const agreed = result?.status === 'succeeded' && normalizeAnswer(result.text ?? '') === winning;
      await recordOutcome(transaction, services, mission.org_id, agentId, pass && agreed);
    }
    if (!pass) {
      await outbox.emit(
        missionEvent(mission, 'mission-task-violation', { key: task.key, attempt, violations }),
      );
    }
  });
  return { pass, violations, answer };
}

async function finishTask(
  services: OrchestrationServices,
  mission: Row<'mission'>,
  missionTaskId: string,
): Promise<true> {
  await transact(services, async (transaction, outbox) => {
    const now = services.clock.now();
    const task = await transaction
      .updateTable('mission_task')
      .set({ status: 'succeeded', finished_at: now, updated_at: now })
      .where('id', '=', missionTaskId)
      .where('status', 'in', ['running', 'checkpoint', 'pending'])
      .returning(['key', 'attempts'])
      .executeTakeFirst();
    // Row locks before the event sequence lock (the order every task transition takes).
    await resumeTask(services, mission.task_id, transaction);
    if (task) {
      await outbox.emit(
        missionEvent(mission, 'mission-task-succeeded', { key: task.key, attempts: Number(task.attempts) }),
      );
    }
  });
  return true;
}

async function failTask(
  services: OrchestrationServices,
  missionId: string,
  missionTaskId: string,
  error: string,
): Promise<true> {
  const mission = await loadMissionRow(services.database.db, missionId);
  await transact(services, async (transaction, outbox) => {
    const now = services.clock.now();
    const task = await transaction
      .updateTable('mission_task')
      .set({ status: 'failed', error, finished_at: now, updated_at: now })
      .where('id', '=', missionTaskId)
      .where('status', 'in', ['running', 'checkpoint', 'pending'])
      .returning(['key'])
      .executeTakeFirst();
    await resumeTask(services, mission.task_id, transaction);
    if (task) await outbox.emit(missionEvent(mission, 'mission-task-failed', { key: task.key, error }));
  });
  return true;
}
