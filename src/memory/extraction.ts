import type { LanguageModelV3 } from '@ai-sdk/provider';
import { generateText, Output } from 'ai';
import { z } from 'zod';
import { transact } from '../events/index.js';
import { truncateText } from '../kernel/index.js';
import { isRealModel } from './contradiction.js';
import {
  maxContentLength,
  maxTagLength,
  memoryInputSchema,
  type ParsedMemoryInput,
  parseInput,
  scopeSchema,
} from './memory-input.js';
import { type ExtractedFact, extractFactsOffline } from './offline-extractor.js';
import type { MemoryContext } from './runtime.js';
import { memoryRuntime } from './runtime.js';
import { authorizeScopes } from './scopes.js';
import { contentHash, stripInjected } from './text.js';
import { formatDay, resolveRelativeDate } from './time-expressions.js';
import type { MemoryScope, WriteResult } from './types.js';
import { applyWrites, type PreparedWrite, prepareWrites } from './write.js';

export const conversationMessageSchema = z.object({
  id: z.string().min(1).max(200),
  role: z.enum(['user', 'assistant', 'system', 'tool']),
  content: z.string(),
  /** True when the whole message is text Colony injected (memories, summaries): never extracted. */
  injected: z.boolean().optional(),
  /** When the message was sent (epoch ms); relative dates in it are resolved against this. */
  at: z.number().int().nonnegative().optional(),
});
export type ConversationMessage = z.infer<typeof conversationMessageSchema>;

export const extractionInputSchema = z.object({
  model: z.custom<LanguageModelV3 | null>().optional(),
  conversationId: z.string().min(1).max(200),
  runId: z.string().min(1).max(200).nullable().optional(),
  messages: z.array(conversationMessageSchema).max(5000),
  /** `turns`: where raw turns go as episodic memories (usually the chat); `facts`: extracted facts (usually the user). */
  scopes: z.object({ turns: scopeSchema, facts: scopeSchema }),
});
export type ExtractionInput = z.input<typeof extractionInputSchema>;

/** The memories planned for a span of messages, ready for `prepareWrites` (no database writes yet). */
export interface ExtractionPlan {
  inputs: ParsedMemoryInput[];
  /** Dedup keys: episodic turns are keyed by message id, so re-running extraction is idempotent. */
  hashes: Array<string | undefined>;
}

const factTypes = ['semantic', 'procedural', 'preference', 'goal', 'relationship', 'reflection'] as const;

const llmSchema = z.object({
  memories: z.array(
    z.object({
      messageId: z.string(),
      type: z.enum(factTypes),
      content: z.string(),
      importance: z.number().min(0).max(1),
      tags: z.array(z.string()).default([]),
      entities: z.array(z.string()).default([]),
    }),
  ),
});

async function extractWithModel(
  context: MemoryContext,
  model: LanguageModelV3,
  messages: ReadonlyArray<{ id: string; role: string; text: string }>,
): Promise<Map<string, ExtractedFact[]>> {
  const facts = new Map<string, ExtractedFact[]>();
  for (let offset = 0; offset < messages.length; offset += 20) {
    const chunk = messages.slice(offset, offset + 20);
    const result = await generateText({
      model,
      abortSignal: context.signal,
      output: Output.object({ schema: llmSchema }),
      system:
        'Extract durable memories from the conversation turns: facts (semantic), how-to and lessons (procedural), ' +
        'preferences, goals and commitments (goal), people/organizations and how they relate (relationship). ' +
        'Write each as one self-contained third-person sentence about "the user". Skip small talk, questions and ' +
        'anything inside <memory-context> tags. importance: 0.9 critical constraint, 0.6 useful fact, 0.3 trivia.',
      prompt: chunk.map((message) => `[${message.id}] ${message.role}: ${message.text}`).join('\n'),
    });
    for (const memory of result.output.memories) {
      if (!chunk.some((message) => message.id === memory.messageId)) continue;
      const type = memory.type;
      const tags = [...memory.tags, ...memory.entities.map((entity) => `entity:${entity.toLowerCase()}`)]
        .map((tag) => tag.trim().slice(0, maxTagLength))
        .filter((tag) => tag.length > 0);
      facts.set(memory.messageId, [
        ...(facts.get(memory.messageId) ?? []),
        {
          type,
          content: truncateText(memory.content, maxContentLength),
          importance: memory.importance,
          tags: [...new Set(tags)].slice(0, 20),
          pinned: type === 'goal' || memory.importance >= 0.9,
        },
      ]);
    }
  }
  return facts;
}

/** A fact with the relative date it names made absolute: "… yesterday." → "… yesterday (14 May 2023)." */
function datedFact(content: string, phrase: string, at: number): string {
  const index = content.toLowerCase().indexOf(phrase.toLowerCase());
  const date = ` (${formatDay(at)})`;
  if (index < 0) return `${content.replace(/[.!?]*$/, '')}${date}.`;
  const end = index + phrase.length;
  return `${content.slice(0, end)}${date}${content.slice(end)}`;
}

/**
 * Plans what a span of messages adds: every user/assistant turn as an `episodic` memory (raw,
 * keyed by message id), plus typed facts from a real model's structured output or, offline, from
 * deterministic rules. System messages, injected messages and `<memory-context>` spans are never
 * mined; one turn adds at most `maxMemoriesPerTurn` memories (its episode included). A turn or
 * fact longer than a memory may be is stored cut, with a visible marker.
 */
export async function planExtraction(
  context: MemoryContext,
  input: {
    model?: LanguageModelV3 | null | undefined;
    runId?: string | null | undefined;
    messages: readonly ConversationMessage[];
    scopes: { turns: MemoryScope; facts: MemoryScope };
  },
): Promise<ExtractionPlan> {
  const { settings } = memoryRuntime(context.services);
  const eligible = input.messages
    .filter(
      (message) => (message.role === 'user' || message.role === 'assistant') && message.injected !== true,
    )
    .map((message) => ({
      id: message.id,
      role: message.role,
      text: stripInjected(message.content),
      at: message.at ?? context.services.clock.now(),
    }))
    .filter((message) => message.text.length > 0);
  let modelFacts: Map<string, ExtractedFact[]> | null = null;
  if (isRealModel(input.model)) {
    try {
      modelFacts = await extractWithModel(context, input.model, eligible);
    } catch (error) {
      context.services.logger.warn(
        { err: error },
        'memory extraction by model failed; using the offline rules',
      );
    }
  }
  const plan: ExtractionPlan = { inputs: [], hashes: [] };
  const perTurnFacts = Math.max(0, settings.maxMemoriesPerTurn - 1);
  for (const message of eligible) {
    const named = resolveRelativeDate(message.text, message.at);
    const occurredAt = named?.at ?? message.at;
    plan.inputs.push(
      parseInput(memoryInputSchema, {
        scope: input.scopes.turns,
        type: 'episodic',
        occurredAt,
        content: truncateText(`${message.role}: ${message.text}`, maxContentLength),
        importance: message.role === 'user' ? 0.3 : 0.2,
        sourceMessageIds: [message.id],
        runId: input.runId ?? null,
      }),
    );
    plan.hashes.push(contentHash(`turn\u0000${message.id}`));
    const facts = modelFacts
      ? (modelFacts.get(message.id) ?? [])
      : message.role === 'user'
        ? extractFactsOffline(message.text, perTurnFacts)
        : [];
    for (const fact of facts.slice(0, perTurnFacts)) {
      const parsed = memoryInputSchema.safeParse({
        scope: input.scopes.facts,
        type: fact.type,
        content: truncateText(
          named ? datedFact(fact.content, named.phrase, named.at) : fact.content,
          maxContentLength,
        ),
        occurredAt,
        importance: fact.importance,
        tags: fact.tags,
        pinned: fact.pinned,
        subject: fact.subject ?? null,
        sourceMessageIds: [message.id],
        runId: input.runId ?? null,
      });
      if (!parsed.success) continue;
      plan.inputs.push(parsed.data);
      plan.hashes.push(undefined);
    }
  }
  return plan;
}

export interface ExtractionResult {
  results: WriteResult[];
  created: number;
  episodic: number;
  facts: number;
}

export function summarizeResults(results: readonly WriteResult[]): ExtractionResult {
  const created = results.filter((result) => result.action === 'created' || result.action === 'superseded');
  return {
    results: [...results],
    created: created.length,
    episodic: created.filter((result) => result.memory.type === 'episodic').length,
    facts: created.filter((result) => result.memory.type !== 'episodic').length,
  };
}

/** Plans, embeds and dedups a span's memories (everything that must happen outside a transaction). */
export async function prepareExtraction(
  context: MemoryContext,
  input: Parameters<typeof planExtraction>[1],
): Promise<PreparedWrite[]> {
  await authorizeScopes(context, [input.scopes.turns, input.scopes.facts], 'write');
  const plan = await planExtraction(context, input);
  return prepareWrites(context, plan.inputs, {
    hashes: plan.hashes,
    linkTurns: true,
    model: input.model,
    reason: 'extracted',
  });
}

/**
 * Extracts memories from conversation turns and stores them in one transaction (see
 * `planExtraction` for the rules). Idempotent per message: a turn already stored is not stored again.
 *
 * @example
 * await extractMemories(context, {
 *   conversationId, messages, scopes: { turns: { kind: 'chat', id: conversationId }, facts: { kind: 'user', id: userId } },
 * });
 */
export async function extractMemories(
  context: MemoryContext,
  input: ExtractionInput,
): Promise<ExtractionResult> {
  const parsed = parseInput(extractionInputSchema, input);
  const prepared = await prepareExtraction(context, {
    model: parsed.model ?? null,
    runId: parsed.runId ?? null,
    messages: parsed.messages,
    scopes: parsed.scopes,
  });
  const results = await transact(context.services, (transaction, outbox) =>
    applyWrites(transaction, outbox, context, prepared),
  );
  const runtime = memoryRuntime(context.services);
  for (const write of prepared) runtime.vectors.invalidate(write.scopeKey);
  return summarizeResults(results);
}
