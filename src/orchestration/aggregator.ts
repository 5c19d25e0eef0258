import { generateText } from 'ai';
import { maxReportAnswerChars, maxReportSourcesChars, truncateText } from '../kernel/index.js';
import type { ModelRegistry } from '../models/index.js';
import { noUsage, type Usage, usageOf } from './usage.js';

export interface AnsweredTask {
  key: string;
  title: string;
  agents: string[];
  answer: string;
  /** e.g. "majority 2/3" when k agents voted. */
  vote?: string | undefined;
}

/**
 * How much of each answer a report draws on: `maxReportAnswerChars`, less when many tasks share
 * `maxReportSourcesChars` — so a report's sources stay bounded however many tasks answered at length.
 */
export function reportAnswerChars(tasks: number): number {
  return Math.min(maxReportAnswerChars, Math.floor(maxReportSourcesChars / Math.max(1, tasks)));
}

/**
 * The offline aggregator: a Markdown report that states the goal and joins every task's answer
 * under its title, in plan order (each answer cut to its share, `reportAnswerChars`, with a
 * visible marker).
 */
export function offlineReport(goal: string, tasks: readonly AnsweredTask[]): string {
  const share = reportAnswerChars(tasks.length);
  const sections = tasks.map(
    (task) =>
      `## ${task.key} · ${task.title}\n_by ${task.agents.join(', ') || 'unknown'}${task.vote ? `, ${task.vote}` : ''}_\n\n${truncateText(task.answer.trim(), share)}`,
  );
  return [
    `# Mission report`,
    '',
    `Goal: ${goal}`,
    '',
    `${tasks.length} task(s) completed.`,
    '',
    sections.join('\n\n'),
  ].join('\n');
}

/** Writes the final report: a real model synthesizes the answers; offline, they are joined. */
export async function aggregateReport(
  models: ModelRegistry,
  input: { model: string; goal: string; tasks: readonly AnsweredTask[]; signal?: AbortSignal },
): Promise<{ report: string; usage: Usage; method: 'model' | 'offline' }> {
  const resolved = models.resolve(input.model);
  if (resolved.offline)
    return { report: offlineReport(input.goal, input.tasks), usage: noUsage(), method: 'offline' };
  const result = await generateText({
    model: resolved.model,
    ...(input.signal ? { abortSignal: input.signal } : {}),
    system:
      'You are the mission aggregator. Write the final report for the goal from the task results: ' +
      'a synthesis that answers the goal, not a list of the results. Keep facts from the results only.',
    prompt: [
      `Goal: ${input.goal}`,
      '',
      ...input.tasks.map(
        (task) =>
          `## ${task.key}: ${task.title} (by ${task.agents.join(', ')}${task.vote ? `, ${task.vote}` : ''})\n${truncateText(task.answer, reportAnswerChars(input.tasks.length))}`,
      ),
    ].join('\n'),
  });
  const tokens = usageOf(result.usage);
  return {
    report: result.text,
    usage: { ...tokens, costUsd: models.costOf(resolved.spec, tokens) },
    method: 'model',
  };
}
