import { z } from 'zod';
import { coerceError, fromZodError, invalidInput } from '../errors/index.js';
import { nextCronRun } from '../tasks/index.js';

/** How the memory engine is wired into runs; read from the environment (README, "Configuration"). */
export interface MemoryConfig {
  /** Uncompacted messages (after `message_cursor`) a chat may hold before compaction. Default 40. */
  windowMessages: number;
  /** Messages that stay in the window after a compaction. Default 20. */
  keepRecent: number;
  /** Token budget of the memory block (pinned + retrieved memories) in a prompt. Default 1,500. */
  contextTokens: number;
  /** Upper bound of a chat's rolling summary, in characters. Default 4,000. */
  summaryMaxChars: number;
  /** Cron of the per-org consolidation job; null disables it. Default hourly (`0 * * * *`). */
  consolidateCron: string | null;
  /**
   * Where facts from a caller that is not a user (an API key without a user) go: `chat` (default;
   * recalled only in that chat) or `agent` (shared by every chat of the agent in the org).
   */
  anonymousScope: 'chat' | 'agent';
}

export const defaultMemoryConfig: MemoryConfig = {
  windowMessages: 40,
  keepRecent: 20,
  contextTokens: 1500,
  summaryMaxChars: 4000,
  consolidateCron: '0 * * * *',
  anonymousScope: 'chat',
};

const environmentSchema = z.object({
  COLONY_MEMORY_WINDOW_MESSAGES: z.coerce.number().int().min(2).max(10_000).optional(),
  COLONY_MEMORY_KEEP_RECENT: z.coerce.number().int().min(1).max(10_000).optional(),
  COLONY_MEMORY_CONTEXT_TOKENS: z.coerce.number().int().min(50).max(200_000).optional(),
  COLONY_MEMORY_SUMMARY_CHARS: z.coerce.number().int().min(200).max(100_000).optional(),
  COLONY_MEMORY_CONSOLIDATE_CRON: z.string().trim().min(1).optional(),
  COLONY_MEMORY_ANONYMOUS_SCOPE: z.enum(['chat', 'agent']).optional(),
});

/**
 * Reads `COLONY_MEMORY_*` variables; invalid values are `invalid_input` naming the variable.
 * `COLONY_MEMORY_CONSOLIDATE_CRON=off` disables scheduled consolidation.
 *
 * @example
 * const config = memoryConfigFromEnv({ COLONY_MEMORY_WINDOW_MESSAGES: '60' });
 */
export function memoryConfigFromEnv(env: NodeJS.ProcessEnv): MemoryConfig {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) throw fromZodError(parsed.error);
  const values = parsed.data;
  const windowMessages = values.COLONY_MEMORY_WINDOW_MESSAGES ?? defaultMemoryConfig.windowMessages;
  const keepRecent = Math.min(
    values.COLONY_MEMORY_KEEP_RECENT ??
      Math.min(defaultMemoryConfig.keepRecent, Math.floor(windowMessages / 2)),
    windowMessages - 1,
  );
  const cron = values.COLONY_MEMORY_CONSOLIDATE_CRON ?? defaultMemoryConfig.consolidateCron;
  const consolidateCron = cron === null || cron === 'off' ? null : cron;
  if (consolidateCron !== null) {
    try {
      nextCronRun(consolidateCron, null, Date.now());
    } catch (error) {
      throw invalidInput('COLONY_MEMORY_CONSOLIDATE_CRON', coerceError(error).message);
    }
  }
  return {
    windowMessages,
    keepRecent,
    contextTokens: values.COLONY_MEMORY_CONTEXT_TOKENS ?? defaultMemoryConfig.contextTokens,
    summaryMaxChars: values.COLONY_MEMORY_SUMMARY_CHARS ?? defaultMemoryConfig.summaryMaxChars,
    consolidateCron,
    anonymousScope: values.COLONY_MEMORY_ANONYMOUS_SCOPE ?? defaultMemoryConfig.anonymousScope,
  };
}
