import { z } from 'zod';
import { maxMemoryQueryChars } from '../kernel/index.js';
import { parseInput } from './memory-input.js';
import { loadMemories, memoryColumns } from './rows.js';
import type { MemoryContext } from './runtime.js';
import { authorizeScopes, scopesForTurn } from './scopes.js';
import { searchMemories } from './search.js';
import { estimateTokens, markInjected, searchQueryOf } from './text.js';
import type { Memory, MemoryHit, MemoryScope } from './types.js';
import { recordUse } from './usage.js';

export const assembleInputSchema = z.object({
  agentId: z.string().min(1).max(200),
  conversationId: z.string().min(1).max(200),
  userId: z.string().min(1).max(200).nullable().optional(),
  /** Extra scopes (teams) the turn may see. */
  extraScopes: z
    .array(z.object({ kind: z.enum(['team', 'org', 'agent', 'chat', 'user']), id: z.string() }))
    .optional(),
  /** What the turn is about, of any length (a long text is searched by its key terms: `searchQueryOf`). */
  query: z.string().trim().min(1),
  tokenBudget: z.number().int().min(50).max(200_000),
  /** Share of the budget pinned memories may take (default 0.4). */
  pinnedShare: z.number().min(0).max(1).default(0.4),
  limit: z.number().int().min(1).max(100).default(20),
  /** Per-agent fusion weights (an agent's `memoryPolicy.weights`), over the runtime's defaults. */
  weights: z
    .object({
      semantic: z.number().min(0).max(10),
      lexical: z.number().min(0).max(10),
      recency: z.number().min(0).max(10),
      importance: z.number().min(0).max(10),
      frequency: z.number().min(0).max(10),
    })
    .partial()
    .optional(),
});
export type AssembleInput = z.input<typeof assembleInputSchema>;

export interface MemoryContextBlock {
  pinned: Memory[];
  retrieved: MemoryHit[];
  /** Ready for the prompt, wrapped in `<memory-context>` so extraction never re-mines it. */
  text: string;
  tokens: number;
}

function line(memory: Memory): string {
  return `- [${memory.type}] ${memory.content}`;
}

/**
 * The memory part of a turn's context: pinned memories (constraints, open goals) always first,
 * then the best retrieved memories for `query`, until `tokenBudget` is spent. A query longer than
 * a search accepts (`maxMemoryQueryChars`) is searched by its most informative terms.
 */
export async function assembleMemoryContext(
  context: MemoryContext,
  input: AssembleInput,
): Promise<MemoryContextBlock> {
  const parsed = parseInput(assembleInputSchema, input);
  const scopes: MemoryScope[] = [
    ...scopesForTurn({
      orgId: context.actor.orgId,
      agentId: parsed.agentId,
      conversationId: parsed.conversationId,
      userId: parsed.userId,
    }),
    ...(parsed.extraScopes ?? []),
  ];
  await authorizeScopes(context, scopes, 'read');
  const { db } = context.services.database;
  const now = context.services.clock.now();
  let pinnedQuery = db
    .selectFrom('memory')
    .select(memoryColumns)
    .where('org_id', '=', context.actor.orgId)
    .where('pinned', '=', 1)
    .where('deleted_at', 'is', null)
    .where('superseded_by', 'is', null)
    .where((builder) => builder.or([builder('valid_to', 'is', null), builder('valid_to', '>', now)]));
  pinnedQuery = pinnedQuery.where((builder) =>
    builder.or(
      scopes.map((scope) =>
        builder.and([builder('scope_kind', '=', scope.kind), builder('scope_id', '=', scope.id)]),
      ),
    ),
  );
  const pinnedRows = await pinnedQuery
    .orderBy('importance', 'desc')
    .orderBy('updated_at', 'desc')
    .limit(100)
    .execute();
  const pinnedAll = await loadMemories(db, pinnedRows);

  const header = 'Pinned memories (always apply):';
  const retrievedHeader = 'Relevant memories:';
  let used = estimateTokens(markInjected(`${header}\n${retrievedHeader}`));
  const pinnedBudget = Math.floor(parsed.tokenBudget * parsed.pinnedShare);
  const pinned: Memory[] = [];
  for (const memory of pinnedAll) {
    const cost = estimateTokens(line(memory)) + 1;
    if (used + cost > pinnedBudget) break;
    pinned.push(memory);
    used += cost;
  }
  const hits = await searchMemories(context, {
    query: searchQueryOf(parsed.query, maxMemoryQueryChars),
    scopes,
    limit: parsed.limit,
    ...(parsed.weights ? { weights: parsed.weights } : {}),
  });
  const pinnedIds = new Set(pinned.map((memory) => memory.id));
  const retrieved: MemoryHit[] = [];
  for (const hit of hits) {
    if (pinnedIds.has(hit.memory.id)) continue;
    const cost = estimateTokens(line(hit.memory)) + 1;
    if (used + cost > parsed.tokenBudget) continue;
    retrieved.push(hit);
    used += cost;
  }
  const sections: string[] = [];
  if (pinned.length > 0) sections.push(header, ...pinned.map(line));
  if (retrieved.length > 0) sections.push(retrievedHeader, ...retrieved.map((hit) => line(hit.memory)));
  const text = sections.length > 0 ? markInjected(sections.join('\n')) : '';
  recordUse(context, [...pinned, ...retrieved.map((hit) => hit.memory)]);
  return { pinned, retrieved, text, tokens: estimateTokens(text) };
}
