import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpHarness } from '../http/test-support/http-harness.js';
import { testDialects } from '../storage/test-support/databases.js';
import type { Mission } from './mission-types.js';
import { createAgents, createMissionHarness, waitForMission } from './test-support/mission-harness.js';

describe.each(testDialects)('an offline mission on %s', (dialect) => {
  let harness: HttpHarness;
  beforeAll(async () => {
    harness = await createMissionHarness(dialect);
    await createAgents(harness, [
      { name: 'researcher', text: 'research, find sources, investigate topics', tags: ['research'] },
      {
        name: 'analyst',
        text: 'compare options, analyze and evaluate trade-offs',
        tags: ['compare', 'analysis'],
      },
      { name: 'writer', text: 'write summaries and reports', tags: ['write', 'summary'] },
    ]);
  });
  afterAll(async () => {
    await harness.close();
  });

  it('goes through every state with the offline planner, verifier and aggregator', async () => {
    const created = await harness.request('POST', '/v1/missions', {
      body: { goal: 'research solar panels; compare with wind turbines; write a summary' },
    });
    expect(created.status).toBe(202);
    const mission = (await created.json()) as Mission;
    expect(mission.state).toBe('planning');
    const board = await waitForMission(harness, mission.id);
    expect(board.state).toBe('succeeded');
    expect(board.tasks.map((task) => [task.key, task.dependsOn, task.assignees[0]?.name])).toEqual([
      ['t1', [], 'researcher'],
      ['t2', [], 'analyst'],
      ['t3', ['t1', 't2'], 'writer'],
    ]);
    expect(board.tasks.every((task) => task.status === 'succeeded')).toBe(true);
    expect(board.report).toContain('# Mission report');
    expect(board.report).toContain('Research solar panels');
    expect(board.handoffs).toHaveLength(2);
    const events = await harness.request('GET', `/v1/missions/${mission.id}/events`);
    const text = await events.text();
    for (const type of [
      'mission-created',
      'mission-planned',
      'mission-task-started',
      'mission-task-succeeded',
      'mission-aggregating',
      'mission-succeeded',
    ]) {
      expect(text).toContain(`event: ${type}`);
    }
  });
});
