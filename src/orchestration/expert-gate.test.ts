import { describe, expect, it } from 'vitest';
import { configDefaults } from '../config/index.js';
import { createModelRegistry } from '../models/index.js';
import { decideRoute, type RoutingCandidate, scoreCandidates } from './expert-gate.js';
import {
  createScriptedModel,
  installMockProvider,
  type ScriptedCall,
} from './test-support/scripted-model.js';

const candidate = (name: string, text: string, extra: Partial<RoutingCandidate> = {}): RoutingCandidate => ({
  agentId: `agt_${name}`,
  name,
  capabilityText: text,
  tags: [],
  model: 'offline:echo',
  successes: 0,
  failures: 0,
  active: 0,
  ...extra,
});

const noCost = () => 0;

describe('the expert gate', () => {
  it('scores capability match, success rate, load and cost, each in [0, 1]', () => {
    const scores = scoreCandidates(
      'compare the pricing of two vendors',
      [
        candidate('writer', 'writes reports', { tags: ['writing'] }),
        candidate('analyst', 'compares vendors and pricing', {
          tags: ['analysis'],
          successes: 8,
          failures: 0,
        }),
        candidate('busy-analyst', 'compares vendors and pricing', { active: 4 }),
      ],
      noCost,
    );
    expect(scores.map((score) => score.name)).toEqual(['analyst', 'busy-analyst', 'writer']);
    const [best, busy, writer] = scores;
    // BM25 normalizes by document length: the shorter profile matches best (1); the tagged one a bit less.
    expect(best).toMatchObject({ success: 0.9, load: 0, cost: 0 });
    expect(best?.capability).toBeCloseTo(0.927, 3);
    expect(busy).toMatchObject({ capability: 1, success: 0.5, load: 1 });
    expect(writer?.capability).toBe(0);
    expect(best?.total).toBeCloseTo(0.55 * (best?.capability ?? 0) + 0.2 * 0.9 + 0.15 + 0.1, 10);
  });

  it('uses the weights given and normalizes cost by the most expensive candidate', () => {
    const scores = scoreCandidates(
      'anything',
      [candidate('cheap', '', { model: 'a:cheap' }), candidate('dear', '', { model: 'a:dear' })],
      (model) => (model === 'a:dear' ? 2 : 1),
      { weights: { capability: 0, success: 0, load: 0, cost: 1 } },
    );
    expect(scores.map((score) => [score.name, score.cost, score.total])).toEqual([
      ['cheap', 0.5, 0.5],
      ['dear', 1, 0],
    ]);
  });

  it('chooses the top k, and asks a real router model only when the top two are close', async () => {
    const models = createModelRegistry(configDefaults.models);
    const calls: ScriptedCall[] = [];
    installMockProvider(models, () =>
      createScriptedModel((call) => {
        calls.push(call);
        return JSON.stringify({ agent: 'beta', reason: 'beta has done this before' });
      }),
    );
    const twins = [candidate('alpha', 'translate documents'), candidate('beta', 'translate documents')];
    const byScores = await decideRoute('translate a document', twins, { models, k: 2 });
    expect(byScores).toMatchObject({ method: 'scores', chosen: ['agt_alpha', 'agt_beta'] });
    const offline = await decideRoute('translate a document', twins, { models, routerModel: 'offline:echo' });
    expect(offline).toMatchObject({ method: 'scores', chosen: ['agt_alpha'], routerModel: null });
    const routed = await decideRoute('translate a document', twins, { models, routerModel: 'mock:router' });
    expect(routed).toMatchObject({
      method: 'router-model',
      chosen: ['agt_beta'],
      routerModel: 'mock:router',
      routerReason: 'beta has done this before',
    });
    expect(calls[0]?.user).toContain('- alpha: translate documents');
    const apart = await decideRoute(
      'translate a document',
      [candidate('alpha', 'translate documents'), candidate('gamma', 'bake bread')],
      { models, routerModel: 'mock:router' },
    );
    expect(apart.method).toBe('scores');
    expect(calls).toHaveLength(1);
  });
});
