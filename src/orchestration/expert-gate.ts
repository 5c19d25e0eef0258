import { generateText, Output } from 'ai';
import { z } from 'zod';
import { coerceError } from '../errors/index.js';
import type { ModelRegistry } from '../models/index.js';
import { cut, terms } from './text-terms.js';

/** How much each signal counts; each signal is in [0, 1], so the total is too when they sum to 1. */
export interface RoutingWeights {
  capability: number;
  success: number;
  load: number;
  cost: number;
}

export const defaultRoutingWeights: Readonly<RoutingWeights> = {
  capability: 0.55,
  success: 0.2,
  load: 0.15,
  cost: 0.1,
};

/** An agent the gate may choose, with what it knows about it. */
export interface RoutingCandidate {
  agentId: string;
  name: string;
  /** Capability text, tags and description: what the agent is expert at. */
  capabilityText: string;
  tags: readonly string[];
  /** The model spec the agent runs on (cost). */
  model: string;
  /** Judged mission-task attempts (acceptance passed / violated or failed). */
  successes: number;
  failures: number;
  /** Runs of the agent queued, running or waiting now. */
  active: number;
}

/** One candidate's score with every component (all in [0, 1]). */
export interface CandidateScore {
  agentId: string;
  name: string;
  capability: number;
  success: number;
  load: number;
  cost: number;
  total: number;
}

export interface GateOptions {
  weights?: Partial<RoutingWeights> | undefined;
  /** Active runs at which an agent counts as fully loaded. Default 4. */
  loadCapacity?: number | undefined;
}

const k1 = 1.2;
const b = 0.75;

interface Document {
  counts: Map<string, number>;
  length: number;
}

const documentCache = new Map<string, Document>();

function documentOf(candidate: RoutingCandidate): Document {
  const key = `${candidate.name}\u0000${candidate.capabilityText}\u0000${candidate.tags.join('\u0000')}`;
  const cached = documentCache.get(key);
  if (cached) return cached;
  // Tags count twice: an explicit tag is a stronger claim than prose.
  const tagTerms = candidate.tags.flatMap((tag) => terms(tag));
  const words = [...terms(`${candidate.name} ${candidate.capabilityText}`), ...tagTerms, ...tagTerms];
  const counts = new Map<string, number>();
  for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
  const document = { counts, length: words.length };
  if (documentCache.size >= 10_000) documentCache.clear();
  documentCache.set(key, document);
  return document;
}

/** BM25 of the query against each candidate's capability document, divided by the best (0 when none match). */
function capabilityMatch(query: string, candidates: readonly RoutingCandidate[]): number[] {
  const documents = candidates.map(documentOf);
  const queryTerms = [...new Set(terms(query))];
  const averageLength =
    documents.reduce((sum, doc) => sum + doc.length, 0) / Math.max(1, documents.length) || 1;
  const idf = queryTerms.map((term) => {
    let containing = 0;
    for (const doc of documents) if (doc.counts.has(term)) containing++;
    return Math.log(1 + (documents.length - containing + 0.5) / (containing + 0.5));
  });
  const scores = documents.map((doc) => {
    let score = 0;
    for (const [index, term] of queryTerms.entries()) {
      const frequency = doc.counts.get(term) ?? 0;
      if (frequency === 0) continue;
      score +=
        ((idf[index] ?? 0) * frequency * (k1 + 1)) /
        (frequency + k1 * (1 - b + (b * doc.length) / averageLength));
    }
    return score;
  });
  const best = Math.max(0, ...scores);
  return scores.map((score) => (best > 0 ? score / best : 0));
}

export function resolveWeights(weights?: Partial<RoutingWeights>): RoutingWeights {
  return { ...defaultRoutingWeights, ...weights };
}

/**
 * Scores every candidate for a task: `w.capability·match + w.success·(s+1)/(s+f+2) +
 * w.load·(1 − load) + w.cost·(1 − cost/maxCost)`, best first (ties by name). Pure and deterministic.
 *
 * @example
 * const [best] = scoreCandidates('compare two vendors', candidates, models.costOf);
 */
export function scoreCandidates(
  query: string,
  candidates: readonly RoutingCandidate[],
  unitCost: (model: string) => number,
  options: GateOptions = {},
): CandidateScore[] {
  const weights = resolveWeights(options.weights);
  const capacity = options.loadCapacity ?? 4;
  const match = capabilityMatch(query, candidates);
  const costs = candidates.map((candidate) => unitCost(candidate.model));
  const maxCost = Math.max(0, ...costs);
  const scores = candidates.map((candidate, index): CandidateScore => {
    const capability = match[index] ?? 0;
    const success = (candidate.successes + 1) / (candidate.successes + candidate.failures + 2);
    const load = Math.min(1, candidate.active / capacity);
    const cost = maxCost > 0 ? (costs[index] ?? 0) / maxCost : 0;
    const total =
      weights.capability * capability +
      weights.success * success +
      weights.load * (1 - load) +
      weights.cost * (1 - cost);
    return { agentId: candidate.agentId, name: candidate.name, capability, success, load, cost, total };
  });
  return scores.sort((left, right) => right.total - left.total || left.name.localeCompare(right.name));
}

export interface RouterOptions {
  models: ModelRegistry;
  /** A model spec; used only when it resolves to a real (not offline) model. */
  routerModel?: string | null | undefined;
  /** Ask the router when the top two totals are within this. Default 0.05. */
  margin?: number | undefined;
  signal?: AbortSignal | undefined;
}

export interface GateDecision {
  query: string;
  candidates: CandidateScore[];
  chosen: string[];
  method: 'scores' | 'router-model';
  routerModel: string | null;
  routerReason: string | null;
  weights: RoutingWeights;
}

const routerSchema = z.object({ agent: z.string(), reason: z.string() });

/**
 * Chooses the best agent (or the top `k`) for a task. When one agent is wanted, the top two are
 * within `margin` and a real router model is configured, the router model decides between the
 * closest candidates (structured output); a router failure falls back to the scores.
 */
export async function decideRoute(
  query: string,
  candidates: readonly RoutingCandidate[],
  options: GateOptions & RouterOptions & { k?: number },
): Promise<GateDecision> {
  const k = Math.max(1, options.k ?? 1);
  const scored = scoreCandidates(query, candidates, (model) => unitCostOf(options.models, model), options);
  const weights = resolveWeights(options.weights);
  const decision: GateDecision = {
    query,
    candidates: scored,
    chosen: scored.slice(0, k).map((score) => score.agentId),
    method: 'scores',
    routerModel: null,
    routerReason: null,
    weights,
  };
  const [first, second] = scored;
  const margin = options.margin ?? 0.05;
  if (k !== 1 || !first || !second || first.total - second.total > margin || !options.routerModel) {
    return decision;
  }
  const resolved = options.models.resolve(options.routerModel);
  if (resolved.offline) return decision;
  const close = scored.filter((score) => first.total - score.total <= margin).slice(0, 5);
  const byId = new Map(candidates.map((candidate) => [candidate.agentId, candidate]));
  try {
    const result = await generateText({
      model: resolved.model,
      ...(options.signal ? { abortSignal: options.signal } : {}),
      output: Output.object({ schema: routerSchema }),
      system:
        'You are the router of a team of agents. Choose the one agent best suited to the task. ' +
        'Answer with its exact name and a one-sentence reason.',
      prompt: [
        `Task: ${cut(query, 2000)}`,
        'Candidates:',
        ...close.map((score) => {
          const profile = byId.get(score.agentId);
          return `- ${score.name}: ${cut(profile?.capabilityText ?? '', 300)} [tags: ${(profile?.tags ?? []).join(', ')}] (score ${score.total.toFixed(3)})`;
        }),
      ].join('\n'),
    });
    const picked = close.find(
      (score) => score.name === result.output.agent.trim() || score.agentId === result.output.agent.trim(),
    );
    decision.routerModel = resolved.spec;
    if (!picked) {
      decision.routerReason = `router answered "${cut(result.output.agent, 80)}", not a candidate; kept the scores`;
      return decision;
    }
    decision.chosen = [picked.agentId];
    decision.method = 'router-model';
    decision.routerReason = cut(result.output.reason, 500);
  } catch (thrown) {
    decision.routerModel = resolved.spec;
    decision.routerReason = `router failed (${cut(coerceError(thrown).message, 200)}); kept the scores`;
  }
  return decision;
}

/** What 1,000 input plus 1,000 output tokens cost on a model (0 when unknown or offline). */
export function unitCostOf(models: ModelRegistry, model: string): number {
  try {
    return models.costOf(model, { inputTokens: 1000, outputTokens: 1000 });
  } catch {
    return 0;
  }
}
