import { normalizeAnswer } from './text-terms.js';

export interface Ballot {
  agentId: string;
  text: string;
}

export interface VoteResult {
  /** Index into the ballots of the chosen answer. */
  winner: number;
  method: 'single' | 'majority' | 'plurality-tie-best-ranked';
  tally: Array<{ answer: string; agents: string[]; count: number }>;
}

/**
 * Votes between answers to the same task. Answers are compared normalized (lower case, words only);
 * the most frequent wins; a tie goes to the answer of the best-ranked agent (ballots come in the
 * expert gate's order). Deterministic.
 */
export function vote(ballots: readonly Ballot[]): VoteResult {
  const groups = new Map<string, { first: number; agents: string[] }>();
  for (const [index, ballot] of ballots.entries()) {
    const key = normalizeAnswer(ballot.text);
    const group = groups.get(key) ?? { first: index, agents: [] };
    group.agents.push(ballot.agentId);
    groups.set(key, group);
  }
  const ranked = [...groups.entries()].sort(
    ([, left], [, right]) => right.agents.length - left.agents.length || left.first - right.first,
  );
  const tally = ranked.map(([answer, group]) => ({
    answer: answer.slice(0, 200),
    agents: group.agents,
    count: group.agents.length,
  }));
  const [top, second] = ranked;
  if (!top) return { winner: 0, method: 'single', tally };
  const method =
    ballots.length <= 1
      ? 'single'
      : second && second[1].agents.length === top[1].agents.length
        ? 'plurality-tie-best-ranked'
        : 'majority';
  return { winner: top[1].first, method, tally };
}
