import type { MemorySignals, SignalWeights } from './types.js';

/** The position no lower than which each query signal's best strong candidate is returned. */
export const guardedRank = 3;

/** Added to the score of a memory that happened in the period the query names ("in May 2023"). */
export const periodBoost = 0.3;

/** One candidate's signals and how many of the query's terms it contains. */
export interface FusionCandidate {
  id: string;
  signals: MemorySignals;
  /** True when the candidate contains every query term (a strong lexical hit). */
  coversQuery: boolean;
  /** Added to the weighted sum (the period boost). */
  boost?: number;
}

/** Σ weight × signal over the five calibrated (0–1) signals. */
export function fuse(signals: MemorySignals, weights: SignalWeights): number {
  return (
    weights.semantic * signals.semantic +
    weights.lexical * signals.lexical +
    weights.recency * signals.recency +
    weights.importance * signals.importance +
    weights.frequency * signals.frequency
  );
}

function best(
  candidates: readonly FusionCandidate[],
  signal: 'semantic' | 'lexical',
): FusionCandidate | undefined {
  let top: FusionCandidate | undefined;
  for (const candidate of candidates) {
    if (candidate.signals[signal] > (top?.signals[signal] ?? 0)) top = candidate;
  }
  return top;
}

/**
 * Orders candidates by the calibrated weighted sum (`fuse`), then guards each query signal's
 * best candidate: the top lexical hit when it contains every query term, and the top semantic
 * hit, are moved up to position `guardedRank` when the priors (recency, importance, frequency)
 * or the other signal pushed them lower. So a strong hit of either signal is never lost to the
 * fusion, and the fused order is otherwise the sum's.
 *
 * @example
 * const ordered = rankCandidates(candidates, defaultWeights); // best first, with scores
 */
export function rankCandidates<C extends FusionCandidate>(
  candidates: readonly C[],
  weights: SignalWeights,
): Array<C & { score: number }> {
  const ranked = candidates
    .map((candidate) => ({ ...candidate, score: fuse(candidate.signals, weights) + (candidate.boost ?? 0) }))
    .sort((a, b) => b.score - a.score);
  const lexical = weights.lexical > 0 ? best(ranked, 'lexical') : undefined;
  const semantic = weights.semantic > 0 ? best(ranked, 'semantic') : undefined;
  const guarded = [lexical?.coversQuery ? lexical : undefined, semantic].filter(
    (candidate): candidate is C & { score: number } => candidate !== undefined,
  );
  for (const candidate of guarded) {
    const position = ranked.indexOf(candidate);
    if (position < guardedRank) continue;
    ranked.splice(position, 1);
    ranked.splice(guardedRank - 1, 0, candidate);
  }
  return ranked;
}
