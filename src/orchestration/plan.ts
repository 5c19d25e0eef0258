import { z } from 'zod';
import {
  maxAcceptanceChars,
  maxAcceptanceCriteria,
  maxPlanCapabilityChars,
  maxPlanDescriptionChars,
  maxPlanTasks,
  maxPlanTitleChars,
  truncateText,
} from '../kernel/index.js';

export { maxPlanTasks };

/**
 * A text field of a plan: the limit is shown to the planner (JSON schema `maxLength`), and a
 * longer answer is cut with a visible marker rather than rejected — a title of 210 characters
 * must not fail a mission.
 */
function boundedText(max: number, min = 0) {
  return z
    .string()
    .min(min)
    .transform((text) => truncateText(text, max))
    .meta({ maxLength: max });
}

/** One task as the planner writes it. */
export const plannedTaskSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, "_", "." and "-"'),
  title: boundedText(maxPlanTitleChars, 1),
  description: boundedText(maxPlanDescriptionChars),
  capability: boundedText(maxPlanCapabilityChars),
  depends_on: z.array(z.string()),
  /** Checkable statements about a good answer; criteria past the limit are dropped. */
  acceptance: z
    .array(boundedText(maxAcceptanceChars))
    .transform((criteria) => criteria.slice(0, maxAcceptanceCriteria))
    .meta({ maxItems: maxAcceptanceCriteria }),
  /** Ask this many agents the same question and vote (1 = one agent). */
  k: z.number().int().min(1).max(5).optional(),
  /** Same as `k: 3` when `k` is not given. */
  consensus: z.boolean().optional(),
});

/** The planner's structured output. */
export const planSchema = z.object({ tasks: z.array(plannedTaskSchema) });

export type PlannedTask = z.output<typeof plannedTaskSchema>;
export type Plan = z.output<typeof planSchema>;

/** How many agents answer a task: `k`, else 3 with `consensus`, else 1. */
export function answersWanted(task: PlannedTask): number {
  return task.k ?? (task.consensus ? 3 : 1);
}

function findCycle(tasks: readonly PlannedTask[]): string[] | null {
  const byId = new Map(tasks.map((task) => [task.id, task]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | null => {
    const seen = state.get(id);
    if (seen === 'done') return null;
    if (seen === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const dependency of byId.get(id)?.depends_on ?? []) {
      if (!byId.has(dependency)) continue;
      const cycle = visit(dependency);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return null;
  };
  for (const task of tasks) {
    const cycle = visit(task.id);
    if (cycle) return cycle;
  }
  return null;
}

/**
 * Checks a plan is a usable DAG: 1 to 50 tasks, unique ids, dependencies that exist (in the plan,
 * or among `completed` keys of an earlier plan), no self-dependency, no cycle. Returns every
 * problem found, as sentences a model can act on (empty when valid).
 */
export function validatePlan(plan: Plan, completed: ReadonlySet<string> = new Set()): string[] {
  const errors: string[] = [];
  if (plan.tasks.length === 0) errors.push('the plan has no tasks; it needs at least one');
  if (plan.tasks.length > maxPlanTasks)
    errors.push(`the plan has ${plan.tasks.length} tasks; at most ${maxPlanTasks} are allowed`);
  const ids = new Set<string>();
  for (const task of plan.tasks) {
    if (ids.has(task.id)) errors.push(`task id "${task.id}" is used more than once`);
    ids.add(task.id);
  }
  for (const task of plan.tasks) {
    for (const dependency of task.depends_on) {
      if (dependency === task.id) errors.push(`task "${task.id}" depends on itself`);
      else if (!ids.has(dependency) && !completed.has(dependency))
        errors.push(`task "${task.id}" depends on "${dependency}", which is not in the plan`);
    }
  }
  const cycle = findCycle(plan.tasks);
  if (cycle) errors.push(`the dependencies form a cycle: ${cycle.join(' → ')}`);
  return errors;
}

/** The tasks in an order where every dependency comes first (the plan must be valid). */
export function topologicalOrder(tasks: readonly PlannedTask[]): PlannedTask[] {
  const byId = new Map(tasks.map((task) => [task.id, task]));
  const ordered: PlannedTask[] = [];
  const placed = new Set<string>();
  const place = (task: PlannedTask) => {
    if (placed.has(task.id)) return;
    placed.add(task.id);
    for (const dependency of task.depends_on) {
      const found = byId.get(dependency);
      if (found) place(found);
    }
    ordered.push(task);
  };
  for (const task of tasks) place(task);
  return ordered;
}
