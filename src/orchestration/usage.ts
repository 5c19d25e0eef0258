import type { LanguageModelUsage } from 'ai';

/** Tokens and cost, as missions count them. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export function noUsage(): Usage {
  return { inputTokens: 0, outputTokens: 0, costUsd: 0 };
}

export function addUsage(left: Usage, right: Usage): Usage {
  return {
    inputTokens: left.inputTokens + right.inputTokens,
    outputTokens: left.outputTokens + right.outputTokens,
    costUsd: left.costUsd + right.costUsd,
  };
}

/** An AI SDK usage as `Usage` (`costUsd` computed by the caller from the model's prices). */
export function usageOf(usage: LanguageModelUsage, costUsd: number): Usage;
export function usageOf(usage: LanguageModelUsage): { inputTokens: number; outputTokens: number };
export function usageOf(usage: LanguageModelUsage, costUsd?: number) {
  const tokens = { inputTokens: usage.inputTokens ?? 0, outputTokens: usage.outputTokens ?? 0 };
  return costUsd === undefined ? tokens : { ...tokens, costUsd };
}

/** True when `usage` is over a budget (tokens counted in and out together). */
export function overBudget(
  usage: Usage,
  budget: { maxTokens?: number | undefined; maxCostUsd?: number | undefined },
): boolean {
  if (budget.maxTokens !== undefined && usage.inputTokens + usage.outputTokens > budget.maxTokens)
    return true;
  return budget.maxCostUsd !== undefined && usage.costUsd > budget.maxCostUsd;
}
