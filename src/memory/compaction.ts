import type { LanguageModelV3 } from '@ai-sdk/provider';
import { generateText } from 'ai';
import { z } from 'zod';
import { advanceChatSummary } from '../chats/index.js';
import { requireRole } from '../context/index.js';
import { ColonyError, notFound } from '../errors/index.js';
import { transact } from '../events/index.js';
import { isRealModel } from './contradiction.js';
import {
  type ConversationMessage,
  type ExtractionResult,
  prepareExtraction,
  summarizeResults,
} from './extraction.js';
import { parseInput, scopeSchema } from './memory-input.js';
import type { MemoryContext } from './runtime.js';
import { memoryRuntime } from './runtime.js';
import { injectedOpen } from './text.js';
import type { MemoryScope } from './types.js';
import { applyWrites, type PreparedWrite } from './write.js';

export const compactInputSchema = z.object({
  conversationId: z.string().min(1).max(200),
  /** How many of the newest messages stay in the window (uncompacted). */
  keepRecent: z.number().int().min(0).max(10_000),
  /** Where extracted facts go (default: the user scope when `userId` is given, else the chat). */
  factsScope: scopeSchema.optional(),
  userId: z.string().min(1).max(200).nullable().optional(),
  model: z.custom<LanguageModelV3 | null>().optional(),
  /** Upper bound of the rolling summary. Default 4,000 characters. */
  summaryMaxChars: z.number().int().min(200).max(100_000).default(4000),
  /** At most this many messages leave the window per call (the rest wait for the next call). */
  maxSpan: z.number().int().min(1).max(5000).default(500),
});
export type CompactInput = z.input<typeof compactInputSchema>;

export interface CompactionResult {
  compacted: boolean;
  /** `message_cursor` after the call: every message with `seq ≤ cursor` has been extracted. */
  cursor: number;
  summaryVersion: number;
  summary: string;
  extraction: ExtractionResult;
}

/** Offline summary: the previous summary's lines plus the new facts, oldest lines dropped to fit. */
export function offlineSummary(previous: string, facts: readonly string[], maxChars: number): string {
  const lines = [
    ...previous.split('\n').filter((line) => line.trim().length > 0),
    ...facts.map((fact) => `- ${fact}`),
  ];
  const kept: string[] = [];
  let length = 0;
  for (let index = lines.length - 1; index >= 0; index--) {
    const line = lines[index] ?? '';
    if (length + line.length + 1 > maxChars) break;
    kept.unshift(line);
    length += line.length + 1;
  }
  return kept.join('\n');
}

async function summarize(
  context: MemoryContext,
  model: LanguageModelV3 | null | undefined,
  previous: string,
  span: readonly ConversationMessage[],
  prepared: readonly PreparedWrite[],
  maxChars: number,
): Promise<string> {
  const facts = prepared
    .filter((write) => write.input.type !== 'episodic')
    .map((write) => write.input.content);
  if (isRealModel(model)) {
    try {
      const result = await generateText({
        model,
        abortSignal: context.signal,
        system: `Update the running summary of a conversation. Keep decisions, facts, open goals. At most ${maxChars} characters.`,
        prompt: `Previous summary:\n${previous}\n\nNew messages:\n${span
          .filter((message) => message.role !== 'system' && !message.content.includes(injectedOpen))
          .map((message) => `${message.role}: ${message.content}`)
          .join('\n')}`,
      });
      return result.text.slice(0, maxChars);
    } catch (error) {
      context.services.logger.warn({ err: error }, 'summary by model failed; using the offline summary');
    }
  }
  return offlineSummary(previous, facts, maxChars);
}

/**
 * The compaction shield. Messages past the window (all but the newest `keepRecent` after the
 * chat's `message_cursor`) may leave it only together with their extraction: their episodic and
 * fact memories, the advanced `message_cursor` and the new summary commit in ONE transaction. If
 * anything fails, nothing moves and the span stays in the window. Concurrent calls are serialized
 * by a compare-and-set on the cursor (the loser gets `conflict`). The runtime calls this when the
 * window overflows.
 *
 * @example
 * await compactConversation(context, { conversationId, keepRecent: 20, userId });
 */
export async function compactConversation(
  context: MemoryContext,
  input: CompactInput,
): Promise<CompactionResult> {
  const parsed = parseInput(compactInputSchema, input);
  requireRole(context.actor, 'member');
  const { db } = context.services.database;
  const { orgId } = context.actor;
  const conversation = await db
    .selectFrom('conversation')
    .select(['id', 'summary', 'summary_version', 'message_cursor'])
    .where('id', '=', parsed.conversationId)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  if (!conversation) throw notFound('conversation', parsed.conversationId);
  const cursor = Number(conversation.message_cursor);
  const rows = await db
    .selectFrom('message')
    .select(['id', 'seq', 'role', 'author_kind', 'content', 'created_at'])
    .where('conversation_id', '=', parsed.conversationId)
    .where('org_id', '=', orgId)
    .where('seq', '>', cursor)
    .orderBy('seq', 'asc')
    .execute();
  const span = rows.slice(0, Math.min(parsed.maxSpan, Math.max(0, rows.length - parsed.keepRecent)));
  const last = span.at(-1);
  const unchanged: CompactionResult = {
    compacted: false,
    cursor,
    summaryVersion: Number(conversation.summary_version),
    summary: conversation.summary,
    extraction: summarizeResults([]),
  };
  if (!last) return unchanged;

  const messages: ConversationMessage[] = span.map((row) => ({
    id: row.id,
    role: (['user', 'assistant', 'system', 'tool'].includes(row.role)
      ? row.role
      : 'tool') as ConversationMessage['role'],
    content: row.content,
    at: Number(row.created_at),
    injected: row.author_kind === 'system',
  }));
  const factsScope: MemoryScope =
    parsed.factsScope ??
    (parsed.userId ? { kind: 'user', id: parsed.userId } : { kind: 'chat', id: parsed.conversationId });
  const prepared = await prepareExtraction(context, {
    model: parsed.model ?? null,
    messages,
    scopes: { turns: { kind: 'chat', id: parsed.conversationId }, facts: factsScope },
  });
  const summary = await summarize(
    context,
    parsed.model,
    conversation.summary,
    messages,
    prepared,
    parsed.summaryMaxChars,
  );
  const newCursor = Number(last.seq);
  const summaryVersion = Number(conversation.summary_version) + 1;
  const results = await transact(context.services, async (transaction, outbox) => {
    const written = await applyWrites(transaction, outbox, context, prepared);
    const advanced = await advanceChatSummary(transaction, {
      orgId,
      chatId: parsed.conversationId,
      fromCursor: cursor,
      toCursor: newCursor,
      summary,
      summaryVersion,
      now: context.services.clock.now(),
    });
    if (!advanced) {
      throw new ColonyError(
        'conflict',
        `conversation ${parsed.conversationId} was compacted concurrently; retry`,
      );
    }
    await outbox.emit({
      type: 'conversation-compacted',
      orgId,
      conversationId: parsed.conversationId,
      subjectId: parsed.conversationId,
      payload: { fromSeq: cursor + 1, toSeq: newCursor, summaryVersion, memories: written.length },
    });
    return written;
  });
  const runtime = memoryRuntime(context.services);
  for (const write of prepared) runtime.vectors.invalidate(write.scopeKey);
  return {
    compacted: true,
    cursor: newCursor,
    summaryVersion,
    summary,
    extraction: summarizeResults(results),
  };
}
