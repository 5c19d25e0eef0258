import type { LanguageModelV3 } from '@ai-sdk/provider';
import { generateText, Output } from 'ai';
import { z } from 'zod';
import type { ParsedMemoryInput } from './memory-input.js';
import { loadRows } from './rows.js';
import type { MemoryContext } from './runtime.js';

/** True for a model that can judge (anything but Colony's built-in offline model). */
export function isRealModel(model: LanguageModelV3 | null | undefined): model is LanguageModelV3 {
  return model !== null && model !== undefined && model.provider !== 'offline';
}

const verdictSchema = z.object({
  contradicted: z
    .array(z.string())
    .describe('ids of existing memories the new memory contradicts or replaces'),
});

/**
 * Asks a model which related memories (same type and scope, cosine ≥ 0.5) the new one
 * contradicts. Offline models are never asked; failures count as "no contradiction".
 */
export async function findContradictions(
  context: MemoryContext,
  model: LanguageModelV3,
  input: ParsedMemoryInput,
  related: ReadonlyArray<{ id: string; similarity: number }>,
): Promise<string[]> {
  if (!isRealModel(model) || !['semantic', 'preference', 'relationship', 'goal'].includes(input.type))
    return [];
  const rows = await loadRows(
    context.services.database.db,
    context.actor.orgId,
    related.map((entry) => entry.id),
  );
  if (rows.length === 0) return [];
  try {
    const result = await generateText({
      model,
      abortSignal: context.signal,
      output: Output.object({ schema: verdictSchema }),
      system:
        'You maintain a memory store. Decide which existing memories are contradicted (no longer true) ' +
        'because of a new memory. Restatements and compatible facts are not contradictions.',
      prompt: `New memory (${input.type}): ${input.content}\n\nExisting memories:\n${rows
        .map((row) => `- id=${row.id}: ${row.content}`)
        .join('\n')}`,
    });
    const known = new Set(rows.map((row) => row.id));
    return result.output.contradicted.filter((id) => known.has(id));
  } catch (error) {
    context.services.logger.warn({ err: error }, 'memory contradiction check failed; keeping both');
    return [];
  }
}
