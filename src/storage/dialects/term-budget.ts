import type { Kysely } from 'kysely';
import type { Schema } from '../schema.js';

/** Most documents a frequency count looks at: past this a term is "very frequent" anyway. */
export const frequencyCap = 20_000;
const postingsBudget = 5_000;
const frequencyTtlMs = 60_000;

/**
 * Document frequencies for query planning, by index expression, per database handle. Counts of
 * 1,000 and more are kept for a minute (they are costly to recount and move slowly); smaller
 * ones are recounted, so a new memory's rare term is never planned from a stale zero.
 */
export function createFrequencyCounter(
  count: (database: Kysely<Schema>, expression: string) => Promise<number>,
): (database: Kysely<Schema>, expression: string) => Promise<number> {
  const caches = new WeakMap<object, Map<string, { count: number; at: number }>>();
  return async (database, expression) => {
    let cache = caches.get(database);
    if (!cache) {
      cache = new Map();
      caches.set(database, cache);
    }
    const now = Date.now();
    const cached = cache.get(expression);
    if (cached && now - cached.at < frequencyTtlMs) return cached.count;
    const counted = await count(database, expression);
    if (counted >= 1000) {
      if (cache.size > 10_000) cache.clear();
      cache.set(expression, { count: counted, at: now });
    }
    return counted;
  };
}

/**
 * The terms worth ranking by: BM25 and ts_rank must score every match, so the rarest terms are
 * kept until their postings exceed the budget. Frequent terms add little to the rank and are
 * still counted by the caller's coverage signal. Terms that match nothing are dropped.
 */
export function budgetTerms(
  terms: readonly string[],
  frequencies: readonly number[],
): { terms: string[]; postings: number } {
  const ordered = terms
    .map((term, index) => ({ term, frequency: frequencies[index] ?? 0 }))
    .sort((a, b) => a.frequency - b.frequency);
  const kept: string[] = [];
  let postings = 0;
  for (const entry of ordered) {
    if (entry.frequency === 0) continue;
    if (kept.length > 0 && postings + entry.frequency > postingsBudget) break;
    kept.push(entry.term);
    postings += entry.frequency;
  }
  return { terms: kept, postings };
}
