import { generateText, Output } from 'ai';
import { z } from 'zod';
import { coerceError } from '../errors/index.js';
import { maxVerifiedAnswerChars, truncateText } from '../kernel/index.js';
import type { ModelRegistry } from '../models/index.js';
import { cut, keyTerms, terms } from './text-terms.js';
import { noUsage, type Usage, usageOf } from './usage.js';

export interface VerifiedTask {
  key: string;
  title: string;
  description: string;
  acceptance: readonly string[];
}

export interface Verdict {
  pass: boolean;
  violations: string[];
  method: 'model' | 'offline-rule';
  usage: Usage;
}

/**
 * The offline acceptance rule (docs/missions.md): the answer is not empty and mentions at least
 * half (rounded up) of the task title's key terms — its up to five longest distinct content
 * words, stemmed.
 */
export function offlineVerdict(task: VerifiedTask, answer: string | null): Omit<Verdict, 'usage'> {
  const text = (answer ?? '').trim();
  if (text === '') return { pass: false, violations: ['the answer is empty'], method: 'offline-rule' };
  const wanted = keyTerms(task.title);
  const present = new Set(terms(text));
  const missing = wanted.filter((term) => !present.has(term));
  const needed = Math.ceil(wanted.length / 2);
  if (wanted.length - missing.length < needed) {
    return {
      pass: false,
      violations: [`the answer does not mention the task's key terms: ${missing.join(', ')}`],
      method: 'offline-rule',
    };
  }
  return { pass: true, violations: [], method: 'offline-rule' };
}

const verdictSchema = z.object({
  pass: z.boolean(),
  violations: z.array(z.string()),
});

/**
 * The acceptance check of a mission task: a real model compares the expected (the acceptance
 * criteria) with the actual answer and returns a structured verdict; offline models, and a
 * verifier call that fails, use `offlineVerdict`.
 */
export async function verifyAnswer(
  models: ModelRegistry,
  input: { model: string; goal: string; task: VerifiedTask; answer: string | null; signal?: AbortSignal },
): Promise<Verdict> {
  const resolved = models.resolve(input.model);
  if (resolved.offline || !input.answer?.trim())
    return { ...offlineVerdict(input.task, input.answer), usage: noUsage() };
  try {
    const result = await generateText({
      model: resolved.model,
      ...(input.signal ? { abortSignal: input.signal } : {}),
      output: Output.object({ schema: verdictSchema }),
      system:
        'You are the acceptance verifier of a mission. Compare the answer with the task and its acceptance ' +
        'criteria. pass is true only if every criterion is met; otherwise list each unmet criterion as a violation.',
      prompt: [
        `Mission goal: ${cut(input.goal, 2000)}`,
        `Task ${input.task.key}: ${input.task.title}`,
        input.task.description,
        'Acceptance criteria:',
        ...input.task.acceptance.map((criterion) => `- ${criterion}`),
        '',
        'Answer:',
        truncateText(input.answer, maxVerifiedAnswerChars),
      ].join('\n'),
    });
    const tokens = usageOf(result.usage);
    const usage = { ...tokens, costUsd: models.costOf(resolved.spec, tokens) };
    const violations = result.output.violations.map((violation) => cut(violation, 500)).slice(0, 20);
    const pass = result.output.pass && violations.length === 0;
    return {
      pass,
      violations: pass ? [] : violations.length > 0 ? violations : ['the verifier rejected the answer'],
      method: 'model',
      usage,
    };
  } catch (thrown) {
    if (input.signal?.aborted) throw thrown;
    const fallback = offlineVerdict(input.task, input.answer);
    const note = `(verifier model failed: ${cut(coerceError(thrown).message, 200)}; the offline rule decided)`;
    return {
      ...fallback,
      violations: fallback.pass ? [] : [...fallback.violations, note],
      usage: noUsage(),
    };
  }
}
