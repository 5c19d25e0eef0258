import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpHarness, type HttpHarness } from '../http/test-support/http-harness.js';
import { testDialects } from '../storage/test-support/databases.js';
import type { Mission } from './mission-types.js';

describe.each(testDialects)('mission and routing routes: authorization and validation on %s', (dialect) => {
  let harness: HttpHarness;
  let mission: Mission;
  beforeAll(async () => {
    harness = await createHttpHarness(dialect);
    await harness.request('POST', '/v1/agents', { body: { name: 'helper' } });
    const response = await harness.request('POST', '/v1/missions', { body: { goal: 'do a thing' } });
    mission = (await response.json()) as Mission;
  });
  afterAll(async () => {
    await harness.close();
  });

  const routes = () =>
    [
      ['POST', '/v1/missions', { goal: 'x' }],
      ['GET', '/v1/missions', undefined],
      ['GET', `/v1/missions/${mission.id}`, undefined],
      ['GET', `/v1/missions/${mission.id}/events`, undefined],
      ['POST', `/v1/missions/${mission.id}/checkpoints/approve`, {}],
      ['POST', `/v1/missions/${mission.id}/stop`, {}],
      ['POST', '/v1/stop', {}],
      ['GET', '/v1/routing-decisions', undefined],
    ] as const;

  it('answers 401 without a key on every route', async () => {
    for (const [method, path, body] of routes()) {
      const response = await harness.request(method, path, { key: null, ...(body ? { body } : {}) });
      expect(response.status, `${method} ${path}`).toBe(401);
    }
  });

  it('answers 404 for another org’s mission', async () => {
    for (const [method, path, body] of routes().filter(([, path]) => path.includes(mission.id))) {
      const response = await harness.request(method, path, {
        key: harness.keys.otherOrg,
        ...(body ? { body } : {}),
      });
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    const decisions = await harness.request('GET', `/v1/routing-decisions?missionId=${mission.id}`, {
      key: harness.keys.otherOrg,
    });
    expect(decisions.status).toBe(404);
    const list = await harness.request('GET', '/v1/missions', { key: harness.keys.otherOrg });
    expect(((await list.json()) as { missions: Mission[] }).missions).toEqual([]);
  });

  it('answers 403 below the needed role', async () => {
    const asViewer = [
      ['POST', '/v1/missions', { goal: 'x' }],
      ['POST', `/v1/missions/${mission.id}/checkpoints/approve`, {}],
      ['POST', `/v1/missions/${mission.id}/stop`, {}],
    ] as const;
    for (const [method, path, body] of asViewer) {
      const response = await harness.request(method, path, { key: harness.keys.viewer, body });
      expect(response.status, `${method} ${path}`).toBe(403);
    }
    expect((await harness.request('POST', '/v1/stop', { key: harness.keys.member })).status).toBe(403);
    for (const path of ['/v1/missions', `/v1/missions/${mission.id}`, '/v1/routing-decisions']) {
      expect((await harness.request('GET', path, { key: harness.keys.viewer })).status, path).toBe(200);
    }
  });

  it('answers 400 naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{}, 'goal'],
      [{ goal: '' }, 'goal'],
      [{ goal: 'x', budget: { maxTokens: -1 } }, 'budget.maxTokens'],
      [{ goal: 'x', checkpoints: 'yes' }, 'checkpoints'],
      [{ goal: 'x', agents: ['nobody'] }, 'agents.0'],
      [{ goal: 'x', model: 'nope:model' }, 'model'],
      [{ goal: 'x', deadlineAt: 1 }, 'deadlineAt'],
      [{ goal: 'x', surprise: true }, ''],
    ];
    for (const [body, field] of cases) {
      const response = await harness.request('POST', '/v1/missions', { body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      const error = (
        (await response.json()) as { error: { code: string; details?: { fields?: Array<{ path: string }> } } }
      ).error;
      expect(error.code).toBe('invalid_input');
      const paths = error.details?.fields?.map((entry) => entry.path) ?? [];
      if (field)
        expect(
          paths.some((path) => path === field || path.endsWith(`.${field}`)),
          paths.join(),
        ).toBe(true);
    }
    expect((await harness.request('GET', '/v1/routing-decisions?limit=0')).status).toBe(400);
    expect((await harness.request('GET', '/v1/missions?state=sleeping')).status).toBe(400);
  });

  it('409 when approving a mission that waits at no checkpoint; stop is idempotent', async () => {
    const approve = await harness.request('POST', `/v1/missions/${mission.id}/checkpoints/approve`);
    expect(approve.status).toBe(409);
    const stopped = await harness.request('POST', `/v1/missions/${mission.id}/stop`, {
      body: { reason: 'test' },
    });
    expect(stopped.status).toBe(200);
    expect(((await stopped.json()) as Mission).state).toBe('canceled');
    const again = await harness.request('POST', `/v1/missions/${mission.id}/stop`);
    expect(((await again.json()) as Mission).error).toBe('stopped: test');
    const all = await harness.request('POST', '/v1/stop', { key: harness.keys.admin });
    expect(all.status).toBe(200);
    expect(await all.json()).toEqual({ missions: [], runs: [] });
  });
});
