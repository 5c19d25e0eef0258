import { z } from 'zod';
import { maxMemoryQueryChars } from '../kernel/index.js';
import { periodBoost, rankCandidates } from './fusion.js';
import { parseInput, scopeSchema, tagsSchema } from './memory-input.js';
import { type RankedEntry, withNeighbourTurns } from './neighbour-turns.js';
import { stem } from './offline-embedder.js';
import { loadRows, loadTags, type MemoryRow, toMemory } from './rows.js';
import type { MemoryContext, MemorySettings } from './runtime.js';
import { memoryRuntime } from './runtime.js';
import { authorizeScopes, scopeKey } from './scopes.js';
import { contentWords, lexicalTerms } from './text.js';
import { periodOfQuery, type TimeRange } from './time-expressions.js';
import type { MemoryHit, MemorySignals, SignalWeights } from './types.js';
import { memoryTypes } from './types.js';

const weightsSchema = z
  .object({
    semantic: z.number().min(0).max(10),
    lexical: z.number().min(0).max(10),
    recency: z.number().min(0).max(10),
    importance: z.number().min(0).max(10),
    frequency: z.number().min(0).max(10),
  })
  .partial();

export const searchInputSchema = z.object({
  query: z.string().trim().min(1).max(maxMemoryQueryChars),
  scopes: z.array(scopeSchema).min(1).max(50),
  types: z.array(z.enum(memoryTypes)).max(7).optional(),
  tags: tagsSchema.optional(),
  from: z.number().int().nonnegative().optional(),
  to: z.number().int().nonnegative().optional(),
  /** Include superseded and expired (`valid_to` passed) memories; deleted ones never return. */
  includeInvalid: z.boolean().default(false),
  limit: z.number().int().min(1).max(100).default(10),
  /** Per-call (per-agent) weights, merged over the runtime's defaults. */
  weights: weightsSchema.optional(),
  recencyHalfLifeMs: z.number().positive().optional(),
  /** Only memories that happened (`occurredAt`) in `[occurredFrom, occurredTo]`. */
  occurredFrom: z.number().int().nonnegative().optional(),
  occurredTo: z.number().int().nonnegative().optional(),
  /** Boost memories that happened in a period the query names ("in May 2023", "last week"). */
  periodFromQuery: z.boolean().default(true),
  /** Let episodic hits bring their previous and next turns (scored windows, same `limit`). */
  neighbourTurns: z.boolean().default(true),
});
export type SearchInput = z.input<typeof searchInputSchema>;

/** The five signals of one memory for one query (semantic and lexical given). */
export function computeSignals(
  row: Pick<MemoryRow, 'created_at' | 'importance' | 'access_count'>,
  semantic: number,
  lexical: number,
  now: number,
  settings: Pick<MemorySettings, 'recencyHalfLifeMs' | 'frequencySaturation'>,
): MemorySignals {
  const age = Math.max(0, now - Number(row.created_at));
  return {
    semantic: Math.max(0, Math.min(1, semantic)),
    lexical: Math.max(0, Math.min(1, lexical)),
    recency: 0.5 ** (age / settings.recencyHalfLifeMs),
    importance: Number(row.importance),
    frequency: Math.min(1, Math.log1p(Number(row.access_count)) / Math.log1p(settings.frequencySaturation)),
  };
}

function inside(row: MemoryRow, period: TimeRange): boolean {
  const occurred = Number(row.occurred_at ?? row.created_at);
  return occurred >= period.from && occurred < period.to;
}

/** The query terms a content contains, compared by crude stem prefix ("running" ~ "run"). */
export function matchedTerms(terms: readonly string[], content: string): string[] {
  if (terms.length === 0) return [];
  const stems = [...contentWords(content)].map(stem);
  return terms.filter((term) => {
    const root = stem(term);
    const prefix = root.slice(0, Math.max(3, root.length - 1));
    return stems.some(
      (word) => word === root || (word.length >= 3 && (word.startsWith(prefix) || root.startsWith(word))),
    );
  });
}

function describeAge(milliseconds: number): string {
  const days = milliseconds / 86_400_000;
  if (days < 1 / 24) return 'minutes old';
  if (days < 1) return `${Math.round(days * 24)} h old`;
  return `${Math.round(days)} days old`;
}

/** "semantic 0.71; matches "sister", "name"; importance 0.8" — the signals that carried the score. */
export function explain(
  signals: MemorySignals,
  weights: SignalWeights,
  matched: readonly string[],
  age: number,
  accessCount: number,
): string {
  const parts: Array<{ contribution: number; text: string }> = [
    {
      contribution: weights.semantic * signals.semantic,
      text: `similar in meaning (cosine ${signals.semantic.toFixed(2)})`,
    },
    {
      contribution: weights.lexical * signals.lexical,
      text: matched.length > 0 ? `matches ${matched.map((term) => `"${term}"`).join(', ')}` : 'keyword match',
    },
    { contribution: weights.recency * signals.recency, text: `recent (${describeAge(age)})` },
    {
      contribution: weights.importance * signals.importance,
      text: `importance ${signals.importance.toFixed(2)}`,
    },
    { contribution: weights.frequency * signals.frequency, text: `recalled ${accessCount} times` },
  ];
  const total = parts.reduce((sum, part) => sum + part.contribution, 0);
  const chosen = parts
    .filter((part) => part.contribution > 0 && part.contribution >= total * 0.15)
    .sort((a, b) => b.contribution - a.contribution);
  return chosen.length > 0 ? chosen.map((part) => part.text).join('; ') : 'weak match';
}

/**
 * Five-signal retrieval over the scopes the caller may see. Candidates are the top
 * `max(50, limit × candidateMultiplier)` by cosine (in-process per-scope vector index) and by
 * BM25 / ts_rank (database full text); each is scored
 * `Σ weight × signal` and the best `limit` returned with their signals and a "why".
 * Searching records no access: only use in a prompt or an explicit read does (`recordUse`), so
 * asking the same question twice ranks the same.
 *
 * @example
 * const hits = await searchMemories(context, { query: 'what editor do I use?', scopes, limit: 5 });
 */
export async function searchMemories(context: MemoryContext, input: SearchInput): Promise<MemoryHit[]> {
  const parsed = parseInput(searchInputSchema, input);
  await authorizeScopes(context, parsed.scopes, 'read');
  const runtime = memoryRuntime(context.services);
  const { settings } = runtime;
  const weights: SignalWeights = { ...settings.weights, ...parsed.weights };
  const halfLife = parsed.recencyHalfLifeMs ?? settings.recencyHalfLifeMs;
  const { db } = context.services.database;
  const { orgId } = context.actor;
  const now = context.services.clock.now();
  const candidateLimit = Math.max(50, parsed.limit * settings.candidateMultiplier);
  const scopes = parsed.scopes.map((scope) => ({ ...scope, key: scopeKey(orgId, scope) }));
  const terms = lexicalTerms(parsed.query);

  let allowedIds: Set<string> | undefined;
  if (parsed.tags && parsed.tags.length > 0) {
    const rows = await db
      .selectFrom('memory_tag')
      .select('memory_id')
      .where('org_id', '=', orgId)
      .where('tag', 'in', parsed.tags)
      .execute();
    allowedIds = new Set(rows.map((row) => row.memory_id));
  }

  const [queryVector] = await runtime.embedder.embed([parsed.query], context.signal);
  const lexicalHits =
    weights.lexical > 0 || weights.semantic === 0
      ? await context.services.database.dialect.memoryIndex.search(db, {
          orgId,
          scopes,
          terms,
          limit: candidateLimit,
          types: parsed.types,
          tags: parsed.tags,
          from: parsed.from,
          to: parsed.to,
          includeInvalid: parsed.includeInvalid,
          now,
        })
      : [];
  const lexicalIds = new Set(lexicalHits.map((hit) => hit.id));
  const maxRank = lexicalHits.reduce((max, hit) => Math.max(max, hit.rank), 0);
  const lexicalRank = new Map(lexicalHits.map((hit) => [hit.id, maxRank > 0 ? hit.rank / maxRank : 0]));

  const semantic = new Map<string, number>();
  if (queryVector && (weights.semantic > 0 || weights.lexical === 0)) {
    const types = parsed.types ? new Set(parsed.types) : undefined;
    for (const scope of scopes) {
      const index = await runtime.vectors.ensure(db, orgId, scope, scope.key);
      const { hits, extra } = index.search(
        queryVector,
        {
          limit: candidateLimit,
          types,
          from: parsed.from,
          to: parsed.to,
          includeInvalid: parsed.includeInvalid,
          now,
          allowedIds,
        },
        lexicalIds,
      );
      for (const hit of hits) semantic.set(hit.id, hit.similarity);
      for (const [id, similarity] of extra) if (!semantic.has(id)) semantic.set(id, similarity);
    }
  }

  const candidateIds = [...new Set([...lexicalIds, ...[...semantic.keys()]])];
  const rows = await loadRows(db, orgId, candidateIds);
  const visible = new Set(scopes.map((scope) => `${scope.kind}\u0000${scope.id}`));
  const types = parsed.types ? new Set<string>(parsed.types) : null;
  const eligible = (row: MemoryRow) => {
    if (row.deleted_at !== null || !visible.has(`${row.scope_kind}\u0000${row.scope_id}`)) return false;
    if (
      !parsed.includeInvalid &&
      (row.superseded_by !== null || (row.valid_to !== null && Number(row.valid_to) <= now))
    ) {
      return false;
    }
    if (types && !types.has(row.type)) return false;
    if (allowedIds && !allowedIds.has(row.id)) return false;
    const created = Number(row.created_at);
    const occurred = Number(row.occurred_at ?? row.created_at);
    return (
      !(parsed.from !== undefined && created < parsed.from) &&
      !(parsed.to !== undefined && created > parsed.to) &&
      !(parsed.occurredFrom !== undefined && occurred < parsed.occurredFrom) &&
      !(parsed.occurredTo !== undefined && occurred > parsed.occurredTo)
    );
  };
  const period = parsed.periodFromQuery ? periodOfQuery(parsed.query, now) : null;
  const signalsOf = (row: MemoryRow, semanticValue: number, lexical: number) =>
    computeSignals(row, semanticValue, lexical, now, {
      recencyHalfLifeMs: halfLife,
      frequencySaturation: settings.frequencySaturation,
    });
  const candidates = rows
    .filter(eligible)
    .map((row) => {
      const matched = matchedTerms(terms, row.content);
      const rank = lexicalRank.get(row.id) ?? 0;
      const lexical = terms.length > 0 ? rank * (matched.length / terms.length) : 0;
      const signals = signalsOf(row, semantic.get(row.id) ?? 0, lexical);
      const coversQuery = terms.length > 0 && matched.length === terms.length;
      const boost = period !== null && inside(row, period) ? periodBoost : 0;
      return { id: row.id, row, signals, matched, coversQuery, boost };
    })
    .sort((a, b) => Number(b.row.created_at) - Number(a.row.created_at));
  const ranked: RankedEntry[] = rankCandidates(candidates, weights);
  const scored = parsed.neighbourTurns
    ? await withNeighbourTurns(db, orgId, ranked, parsed.limit, eligible, (row) => signalsOf(row, 0, 0))
    : ranked.slice(0, parsed.limit);

  const tags = await loadTags(
    db,
    scored.map((entry) => entry.row.id),
  );
  const hits = scored.map(({ row, signals, score, matched, besideId }): MemoryHit => {
    let why = besideId
      ? `the turn next to ${besideId}, which matched`
      : explain(signals, weights, matched, now - Number(row.created_at), Number(row.access_count));
    if (!besideId && period && inside(row, period)) why += '; happened in the period the query names';
    if (row.superseded_by !== null) why += ` (superseded by ${row.superseded_by})`;
    return { memory: toMemory(row, tags.get(row.id) ?? []), score, signals, why };
  });
  return hits;
}
