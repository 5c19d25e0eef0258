import { generateText, NoObjectGeneratedError, Output } from 'ai';
import { coerceError } from '../errors/index.js';
import { maxViolationPromptChars, truncateText } from '../kernel/index.js';
import type { ModelRegistry } from '../models/index.js';
import { offlinePlan } from './offline-planner.js';
import { maxPlanTasks, type Plan, planSchema, validatePlan } from './plan.js';
import { cut } from './text-terms.js';
import { addUsage, noUsage, type Usage, usageOf } from './usage.js';

/** What went wrong before, for a replan. */
export interface ReplanContext {
  reason: string;
  /** Keys of tasks already done, with their answers: the new plan may depend on them. */
  completed: ReadonlyArray<{ key: string; title: string; result: string }>;
  failed: ReadonlyArray<{ key: string; title: string; error: string; violations: string[] }>;
}

export interface PlannerInput {
  goal: string;
  /** The model spec that plans; offline models use the documented offline planner. */
  model: string;
  agents: ReadonlyArray<{ name: string; capability: string }>;
  replan?: ReplanContext | undefined;
  signal?: AbortSignal | undefined;
}

export type PlannerResult =
  | { ok: true; plan: Plan; usage: Usage; attempts: number; method: 'model' | 'offline' }
  | { ok: false; errors: string[]; usage: Usage; attempts: number; method: 'model' | 'offline' };

const system = [
  'You are the mission planner of a team of agents. Turn the goal into a plan: a small DAG of tasks.',
  `Each task has a short unique id (letters, digits, "_", "-"), a title, a description an agent can act on alone, the capability it needs (a few words), depends_on (ids of tasks whose results it needs; no cycles), and acceptance criteria (checkable statements about a good answer).`,
  `Use parallel branches where tasks are independent. At most ${maxPlanTasks} tasks. Set k (2-5) only when several agents should answer the same question and vote.`,
].join('\n');

function promptOf(input: PlannerInput, errors: string[]): string {
  const lines = [`Goal: ${input.goal}`, '', 'Agents available:'];
  for (const agent of input.agents.slice(0, 50)) lines.push(`- ${agent.name}: ${cut(agent.capability, 200)}`);
  if (input.replan) {
    lines.push(
      '',
      `The previous plan failed: ${input.replan.reason}`,
      'Already done (you may depend on these ids):',
    );
    for (const done of input.replan.completed)
      lines.push(`- ${done.key}: ${done.title} → ${cut(done.result, 300)}`);
    lines.push('Failed:');
    for (const failed of input.replan.failed)
      lines.push(
        `- ${failed.key}: ${failed.title} → ${truncateText(`${failed.error}; ${failed.violations.join('; ')}`, maxViolationPromptChars)}`,
      );
    lines.push('Plan only the remaining work, differently enough that it can succeed.');
  }
  if (errors.length > 0) {
    lines.push('', 'Your previous plan was rejected. Fix every problem:');
    for (const error of errors) lines.push(`- ${error}`);
  }
  return lines.join('\n');
}

/**
 * Plans a mission: structured output validated by zod, then checked as a DAG (`validatePlan`).
 * An invalid answer is repaired once: the planner is asked again with the validation errors in
 * its prompt. Offline models use `offlinePlan` (one task per clause of the goal).
 */
export async function planMission(models: ModelRegistry, input: PlannerInput): Promise<PlannerResult> {
  const resolved = models.resolve(input.model);
  const completed = new Set(input.replan?.completed.map((task) => task.key) ?? []);
  if (resolved.offline) {
    const plan = offlinePlan(input.goal, completed);
    const errors = validatePlan(plan, completed);
    return errors.length === 0
      ? { ok: true, plan, usage: noUsage(), attempts: 1, method: 'offline' }
      : { ok: false, errors, usage: noUsage(), attempts: 1, method: 'offline' };
  }
  let usage = noUsage();
  let errors: string[] = [];
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      const result = await generateText({
        model: resolved.model,
        ...(input.signal ? { abortSignal: input.signal } : {}),
        output: Output.object({ schema: planSchema }),
        system,
        prompt: promptOf(input, errors),
      });
      usage = addUsage(usage, usageOf(result.usage, models.costOf(resolved.spec, usageOf(result.usage))));
      errors = validatePlan(result.output, completed);
      if (errors.length === 0)
        return { ok: true, plan: result.output, usage, attempts: attempt, method: 'model' };
    } catch (thrown) {
      if (input.signal?.aborted) throw thrown;
      if (!NoObjectGeneratedError.isInstance(thrown)) throw thrown;
      if (thrown.usage) usage = addUsage(usage, usageOf(thrown.usage, 0));
      const cause = thrown.cause ? `: ${cut(coerceError(thrown.cause).message, 1500)}` : '';
      errors = [`the answer did not match the plan schema${cause}`];
    }
  }
  return { ok: false, errors, usage, attempts: 2, method: 'model' };
}
