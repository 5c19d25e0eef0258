import type { LanguageModelV3 } from '@ai-sdk/provider';
import { isColonyError } from '../errors/index.js';
import { type CompactionResult, compactConversation } from './compaction.js';
import type { MemoryConfig } from './memory-config.js';
import type { MemoryContext } from './runtime.js';
import { estimateTokens } from './text.js';
import type { MemoryScope } from './types.js';

export interface WindowCompactionInput {
  chatId: string;
  userId: string | null;
  factsScope: MemoryScope;
  model: LanguageModelV3 | null;
  /** Token budget of the recent window (the runtime's `recentWindowTokens`). */
  windowTokens: number;
  /** Messages after this sequence number (and the one at it) always stay in the window. */
  keepFromSeq?: number;
}

/**
 * Runs the compaction shield when a run's window overflows: more than `windowMessages`
 * uncompacted messages up to `keepFromSeq` (the run's trigger), or more tokens than the window
 * holds. Keeps the newest `keepRecent` of them that fit in half the token budget (and everything
 * from `keepFromSeq` on, including messages queued behind it); the rest leave the window together
 * with their extraction. Returns null when nothing had to move, or when
 * another process compacted the chat at the same moment.
 */
export async function compactIfOverflowing(
  context: MemoryContext,
  config: Pick<MemoryConfig, 'windowMessages' | 'keepRecent' | 'summaryMaxChars'>,
  input: WindowCompactionInput,
): Promise<CompactionResult | null> {
  const { db } = context.services.database;
  const conversation = await db
    .selectFrom('conversation')
    .select('message_cursor')
    .where('id', '=', input.chatId)
    .where('org_id', '=', context.actor.orgId)
    .executeTakeFirst();
  if (!conversation) return null;
  const rows = await db
    .selectFrom('message')
    .select(['seq', 'content'])
    .where('conversation_id', '=', input.chatId)
    .where('seq', '>', Number(conversation.message_cursor))
    .orderBy('seq', 'desc')
    .execute();
  // Messages after `keepFromSeq` (queued behind the run's trigger) are not in this run's window:
  // they neither make it overflow nor count against what it keeps, and they never leave it.
  const later = (row: { seq: number }) =>
    input.keepFromSeq !== undefined && Number(row.seq) > input.keepFromSeq;
  const window = rows.filter((row) => !later(row));
  const tokens = window.reduce((sum, row) => sum + estimateTokens(row.content), 0);
  if (window.length <= config.windowMessages && tokens <= input.windowTokens) return null;
  let keep = rows.length - window.length;
  let keptInWindow = 0;
  let kept = 0;
  for (const row of window) {
    const cost = estimateTokens(row.content);
    const pinnedToWindow = input.keepFromSeq !== undefined && Number(row.seq) >= input.keepFromSeq;
    if (
      !pinnedToWindow &&
      (keptInWindow >= config.keepRecent || (keptInWindow > 0 && kept + cost > input.windowTokens / 2))
    )
      break;
    keep++;
    keptInWindow++;
    kept += cost;
  }
  // The span is bounded by count as well: messages posted after the read above come after the
  // kept ones, and must not push older kept messages out of the window.
  const leaving = window.length - keptInWindow;
  if (leaving === 0) return null;
  try {
    return await compactConversation(context, {
      conversationId: input.chatId,
      keepRecent: Math.max(1, keep),
      factsScope: input.factsScope,
      userId: input.userId,
      model: input.model,
      summaryMaxChars: config.summaryMaxChars,
      maxSpan: Math.min(5000, leaving),
    });
  } catch (error) {
    if (isColonyError(error, 'conflict')) return null;
    throw error;
  }
}
