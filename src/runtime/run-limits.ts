import type { Agent } from '../agents/index.js';
import type { NewEvent } from '../events/index.js';
import { type BudgetBreach, budgetMessage } from '../usage/index.js';
import { runEvent } from './run-events.js';
import type { Run } from './run-types.js';

/** A run's counters: tokens in and out, and cost in USD (the `run` row's columns). */
export type RunUsage = Run['usage'];

/** A declared limit the run has reached or passed: its agent's, or a monthly budget's. */
export type LimitBreach =
  | { limit: 'maxSteps' | 'maxTokensPerRun' | 'maxCostUsdPerRun'; max: number; used: number }
  | BudgetBreach;

function usageLimits(limits: Agent['limits'], usage: RunUsage): LimitBreach[] {
  const breaches: LimitBreach[] = [];
  if (limits.maxTokensPerRun !== undefined) {
    const used = usage.inputTokens + usage.outputTokens;
    breaches.push({ limit: 'maxTokensPerRun', max: limits.maxTokensPerRun, used });
  }
  if (limits.maxCostUsdPerRun !== undefined) {
    breaches.push({ limit: 'maxCostUsdPerRun', max: limits.maxCostUsdPerRun, used: usage.costUsd });
  }
  return breaches;
}

/**
 * The first usage limit the run has passed (counters above the limit). Checked after every model
 * step: a step that passes a limit ends the run, its tool calls are not executed and a final
 * answer is not posted.
 */
export function passedLimit(limits: Agent['limits'], usage: RunUsage): LimitBreach | null {
  return usageLimits(limits, usage).find((breach) => breach.used > breach.max) ?? null;
}

/**
 * The first usage limit that leaves no room for another model step: counters at or above it (a
 * spending-free run stays within `maxCostUsdPerRun: 0`, so a zero cost limit admits only free
 * models). Checked before every model step.
 */
export function reachedLimit(limits: Agent['limits'], usage: RunUsage): LimitBreach | null {
  return usageLimits(limits, usage).find((breach) => breach.used > 0 && breach.used >= breach.max) ?? null;
}

const isBudgetBreach = (breach: LimitBreach): breach is BudgetBreach => breach.limit.endsWith('PerMonth');

/** The run's `error` for a breach: the `quota_exceeded` code, the limit's name, its value and the use. */
export function limitError(breach: LimitBreach): string {
  if (isBudgetBreach(breach)) return budgetMessage(breach);
  const unit = { maxSteps: 'model steps', maxTokensPerRun: 'tokens', maxCostUsdPerRun: 'USD' }[breach.limit];
  return `quota_exceeded: the run reached its limit ${breach.limit} = ${breach.max} (used: ${breach.used} ${unit})`;
}

/** The `run-limit-exceeded` event stored with the run's failure. */
export function limitEvent(run: Run, breach: LimitBreach): NewEvent {
  return runEvent(run, 'run-limit-exceeded', { ...breach });
}

/** Adds one model step's usage to the counters. */
export function addUsage(usage: RunUsage, step: { inputTokens: number; outputTokens: number }, cost: number) {
  return {
    inputTokens: usage.inputTokens + step.inputTokens,
    outputTokens: usage.outputTokens + step.outputTokens,
    costUsd: usage.costUsd + cost,
  };
}
