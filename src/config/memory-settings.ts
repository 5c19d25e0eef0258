import { Cron } from 'croner';
import { z } from 'zod';
import { setting } from './setting.js';

/**
 * A cron expression the scheduler accepts, or `off`. Checked here with croner itself (the
 * scheduler's parser) rather than through tasks/, whose index would load the task engine into
 * every client command.
 */
const consolidateCron = z
  .string()
  .trim()
  .min(1)
  .superRefine((value, context) => {
    if (value === 'off') return;
    try {
      new Cron(value, { paused: true }).stop();
    } catch (error) {
      context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
    }
  })
  .transform((value) => (value === 'off' ? null : value));

/** `memory.*`: how the memory engine is wired into runs (the memory capability's `MemoryConfig`). */
export const memorySettings = z
  .strictObject({
    windowMessages: setting(z.coerce.number().int().min(2).max(10_000).default(40), {
      env: 'COLONY_MEMORY_WINDOW_MESSAGES',
      meaning:
        'uncompacted messages a chat holds before the compaction shield moves the older ones into memory and the summary',
    }),
    keepRecent: setting(z.coerce.number().int().min(1).max(10_000).optional(), {
      env: 'COLONY_MEMORY_KEEP_RECENT',
      meaning: 'messages left in the window after a compaction; less than `memory.windowMessages`',
      defaultText: '`20` (at most half the window)',
    }),
    contextTokens: setting(z.coerce.number().int().min(50).max(200_000).default(1500), {
      env: 'COLONY_MEMORY_CONTEXT_TOKENS',
      meaning: 'token budget of the memory block (pinned + retrieved) in each prompt',
    }),
    summaryMaxChars: setting(z.coerce.number().int().min(200).max(100_000).default(4000), {
      env: 'COLONY_MEMORY_SUMMARY_CHARS',
      meaning: 'longest rolling chat summary',
    }),
    consolidateCron: setting(consolidateCron.default('0 * * * *'), {
      env: 'COLONY_MEMORY_CONSOLIDATE_CRON',
      meaning: "cron of each org's memory consolidation (merge, decay, prune, reflect); `off` disables",
    }),
    anonymousScope: setting(z.enum(['chat', 'agent']).default('chat'), {
      env: 'COLONY_MEMORY_ANONYMOUS_SCOPE',
      meaning:
        "where facts from a key without a user go: `chat` or `agent` (user keys: the user's private scope)",
    }),
  })
  .superRefine((memory, context) => {
    if (memory.keepRecent !== undefined && memory.keepRecent >= memory.windowMessages) {
      context.addIssue({
        code: 'custom',
        path: ['keepRecent'],
        message: `must be less than memory.windowMessages (${memory.windowMessages})`,
      });
    }
  })
  .transform(({ keepRecent, ...memory }) => ({
    ...memory,
    keepRecent: keepRecent ?? Math.min(20, Math.floor(memory.windowMessages / 2)),
  }))
  .prefault({});
