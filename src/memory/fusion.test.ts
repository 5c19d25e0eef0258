import { describe, expect, it } from 'vitest';
import { type FusionCandidate, fuse, guardedRank, rankCandidates } from './fusion.js';
import { defaultWeights } from './runtime.js';

function candidate(id: string, signals: Partial<FusionCandidate['signals']>, coversQuery = false) {
  return {
    id,
    coversQuery,
    signals: { semantic: 0, lexical: 0, recency: 0, importance: 0, frequency: 0, ...signals },
  };
}

/** Twenty memories that every prior favours, each somewhat similar to the query. */
const favoured = Array.from({ length: 20 }, (_, index) =>
  candidate(`fav${index}`, { semantic: 0.55, lexical: 0.2, recency: 1, importance: 0.9, frequency: 1 }),
);

describe('rankCandidates', () => {
  it('orders by the weighted sum of the calibrated signals', () => {
    const ranked = rankCandidates(
      [candidate('weak', { semantic: 0.2 }), candidate('strong', { semantic: 0.9, lexical: 0.8 })],
      defaultWeights,
    );
    expect(ranked.map((entry) => entry.id)).toEqual(['strong', 'weak']);
    expect(ranked[0]?.score).toBeCloseTo(0.4 * 0.9 + 0.3 * 0.8);
  });

  it('keeps a strong lexical hit that the priors would push out of the top ten', () => {
    const exact = candidate('exact', { semantic: 0.1, lexical: 1, recency: 0, importance: 0.2 }, true);
    const sumOnly = [...favoured, exact].sort(
      (a, b) => fuse(b.signals, defaultWeights) - fuse(a.signals, defaultWeights),
    );
    expect(sumOnly.findIndex((entry) => entry.id === 'exact')).toBeGreaterThanOrEqual(10);
    const ranked = rankCandidates([...favoured, exact], defaultWeights);
    expect(ranked.findIndex((entry) => entry.id === 'exact')).toBe(guardedRank - 1);
  });

  it('guards a lexical hit only when it contains every query term', () => {
    const partial = candidate('partial', { semantic: 0.1, lexical: 1, importance: 0.2 }, false);
    const ranked = rankCandidates([...favoured, partial], defaultWeights);
    expect(ranked.at(-1)?.id).toBe('partial');
  });

  it('keeps the most similar memory in the top three against the priors', () => {
    const similar = candidate('similar', { semantic: 0.95, importance: 0 });
    const lifted = Array.from({ length: 10 }, (_, index) =>
      candidate(`lift${index}`, { semantic: 0.5, lexical: 0.9, recency: 1, importance: 1, frequency: 1 }),
    );
    const ranked = rankCandidates([...lifted, similar], defaultWeights);
    expect(ranked.findIndex((entry) => entry.id === 'similar')).toBeLessThan(guardedRank);
  });

  it('leaves a signal unguarded when its weight is zero', () => {
    const exact = candidate('exact', { lexical: 1 }, true);
    const ranked = rankCandidates([...favoured, exact], { ...defaultWeights, lexical: 0 });
    expect(ranked.at(-1)?.id).toBe('exact');
  });
});
