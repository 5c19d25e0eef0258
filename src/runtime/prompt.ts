import type { ModelMessage } from 'ai';
import type { Kysely } from 'kysely';
import type { Schema } from '../storage/index.js';
import { isModelStep, isToolStep } from './run-store.js';
import type { Run, RunStep } from './run-types.js';

/** A rough token estimate (4 characters a token): enough to budget a window, no tokenizer needed. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * The chat's recent window up to and including the run's trigger message, newest first until
 * `budgetTokens` is spent (the trigger message is always included), returned oldest first.
 */
export async function recentWindow(
  executor: Kysely<Schema>,
  run: Run,
  budgetTokens: number,
): Promise<ModelMessage[]> {
  const trigger = await executor
    .selectFrom('message')
    .select('seq')
    .where('id', '=', run.triggerMessageId)
    .executeTakeFirstOrThrow();
  const rows = await executor
    .selectFrom('message')
    .select(['role', 'content'])
    .where('conversation_id', '=', run.chatId)
    .where('seq', '<=', Number(trigger.seq))
    .orderBy('seq', 'desc')
    .limit(500)
    .execute();
  return budgetedWindow(rows, budgetTokens);
}

/**
 * Takes messages newest first until `budgetTokens` is spent (the newest is always kept) and
 * returns them oldest first, as model messages.
 */
export function budgetedWindow(
  newestFirst: ReadonlyArray<{ role: string; content: string }>,
  budgetTokens: number,
): ModelMessage[] {
  const window: ModelMessage[] = [];
  let spent = 0;
  for (const row of newestFirst) {
    const cost = estimateTokens(row.content);
    if (window.length > 0 && spent + cost > budgetTokens) break;
    spent += cost;
    window.push(
      row.role === 'assistant'
        ? { role: 'assistant', content: row.content }
        : { role: 'user', content: row.content },
    );
  }
  return window.reverse();
}

/** Replays this run's persisted steps as assistant/tool messages after the window. */
export function stepsToMessages(steps: readonly RunStep[]): ModelMessage[] {
  const messages: ModelMessage[] = [];
  for (const step of steps) {
    if (isModelStep(step)) {
      const parts: Array<
        | { type: 'text'; text: string }
        | { type: 'tool-call'; toolCallId: string; toolName: string; input: unknown }
      > = [];
      if (step.payload.text) parts.push({ type: 'text', text: step.payload.text });
      for (const call of step.payload.toolCalls) {
        parts.push({
          type: 'tool-call',
          toolCallId: call.toolCallId,
          toolName: call.toolName,
          input: call.input,
        });
      }
      messages.push({ role: 'assistant', content: parts });
    } else if (isToolStep(step) && step.toolCallId && step.toolName) {
      const { payload } = step;
      const output =
        step.status === 'rejected'
          ? { type: 'execution-denied' as const, reason: payload.decision?.reason ?? 'rejected by a human' }
          : payload.error !== undefined
            ? { type: 'error-text' as const, value: payload.error }
            : { type: 'json' as const, value: (payload.output ?? null) as never };
      messages.push({
        role: 'tool',
        content: [{ type: 'tool-result', toolCallId: step.toolCallId, toolName: step.toolName, output }],
      });
    }
  }
  return messages;
}
