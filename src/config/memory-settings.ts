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
    embeddingModel: setting(
      z
        .string()
        .trim()
        .regex(
          /^(offline|openai:.+|openai-compatible:.+)$/,
          'use `offline`, `openai:<model>` or `openai-compatible:<model>`',
        )
        .default('offline'),
      {
        env: 'COLONY_EMBEDDING_MODEL',
        meaning:
          'memory embedder: `offline` (built-in hashing), `openai:text-embedding-3-small`, or `openai-compatible:<model>` (Ollama, vLLM… at `memory.embeddingBaseUrl`); after a change a background task re-embeds older rows (meanwhile found lexically)',
      },
    ),
    embeddingBaseUrl: setting(z.url().optional(), {
      env: 'COLONY_EMBEDDING_BASE_URL',
      meaning:
        'embeddings API base URL, e.g. `http://127.0.0.1:11434/v1`; required by `openai-compatible:`, optional for `openai:` (default OpenAI, or `OPENAI_BASE_URL`)',
    }),
    embeddingApiKey: setting(z.string().trim().min(1).optional(), {
      env: 'COLONY_EMBEDDING_API_KEY',
      meaning: 'API key of the embeddings server; `openai:` falls back to `OPENAI_API_KEY`',
    }),
    embeddingDimensions: setting(z.coerce.number().int().min(8).max(8192).optional(), {
      env: 'COLONY_EMBEDDING_DIMENSIONS',
      meaning:
        'vector size of the embedding model; required by `openai-compatible:` (known for OpenAI models)',
      defaultText: '`512` offline, 1536 / 3072 for OpenAI models',
    }),
    anonymousScope: setting(z.enum(['chat', 'agent']).default('chat'), {
      env: 'COLONY_MEMORY_ANONYMOUS_SCOPE',
      meaning:
        "where facts from a key without a user go: `chat` or `agent` (user keys: the user's private scope)",
    }),
  })
  .superRefine((memory, context) => {
    if (memory.embeddingModel.startsWith('openai-compatible:')) {
      for (const field of ['embeddingBaseUrl', 'embeddingDimensions'] as const) {
        if (memory[field] === undefined)
          context.addIssue({
            code: 'custom',
            path: [field],
            message: 'required by an openai-compatible embedding model',
          });
      }
    }
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
