import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpHarness } from '../http/test-support/http-harness.js';
import { testDialects } from '../storage/test-support/databases.js';
import type { Mission } from './mission-types.js';
import type { RoutingDecision } from './routing-store.js';
import { createAgents, createMissionHarness, waitForMission } from './test-support/mission-harness.js';
import { missionScript, task } from './test-support/mission-scripts.js';
import {
  createScriptedModel,
  installMockProvider,
  type ScriptedCall,
} from './test-support/scripted-model.js';

const diamondPlan = {
  tasks: [
    task('a', 'Collect market data', 'research'),
    task('b', 'Analyze pricing', 'analysis', ['a']),
    task('c', 'Analyze competitors', 'analysis', ['a']),
    task('d', 'Merge the analyses', 'analysis', ['b', 'c']),
    task('e', 'Research regulations', 'research'),
    task('f', 'Review regulation risks', 'review', ['e']),
    task('g', 'Write the report draft', 'writing', ['d', 'f']),
    task('h', 'Review the final report', 'review', ['g']),
  ],
};

describe.each(testDialects)('the mission acceptance test on %s', (dialect) => {
  let harness: HttpHarness;
  const calls: ScriptedCall[] = [];
  beforeAll(async () => {
    harness = await createMissionHarness(dialect);
    installMockProvider(harness.colony.services.models, () =>
      createScriptedModel(
        missionScript({
          plans: [diamondPlan],
          calls,
          agentDelayMs: 250,
          answer: (key, call) =>
            key === 'c' && !call.user.includes('previous answer was rejected')
              ? 'DRAFT: competitors not covered yet'
              : `Result of ${key}: done.`,
        }),
      ),
    );
    await createAgents(harness, [
      {
        name: 'researcher',
        text: 'research: collect data, find sources',
        tags: ['research', 'data'],
        model: 'mock:agent',
      },
      {
        name: 'analyst',
        text: 'analysis of pricing, competitors and markets; merge analyses',
        tags: ['analysis'],
        model: 'mock:agent',
      },
      {
        name: 'writer',
        text: 'writing reports and drafts',
        tags: ['writing', 'report'],
        model: 'mock:agent',
      },
      {
        name: 'reviewer',
        text: 'review risks, review reports for quality',
        tags: ['review'],
        model: 'mock:agent',
      },
    ]);
  });
  afterAll(async () => {
    await harness.close();
  });

  it('runs an 8-task diamond DAG with parallel branches, a retried violation, routing logs and a report', async () => {
    const response = await harness.request('POST', '/v1/missions', {
      body: { goal: 'Assess the market and regulations and write a reviewed report', model: 'mock:planner' },
    });
    expect(response.status).toBe(202);
    const mission = (await response.json()) as Mission;
    const board = await waitForMission(harness, mission.id);
    expect(board.state, board.error ?? '').toBe('succeeded');
    expect(board.tasks).toHaveLength(8);
    expect(board.tasks.every((entry) => entry.status === 'succeeded')).toBe(true);
    const byKey = new Map(board.tasks.map((entry) => [entry.key, entry]));
    const assignee = (key: string) => byKey.get(key)?.assignees[0]?.name;
    expect([assignee('a'), assignee('b'), assignee('f'), assignee('g')]).toEqual([
      'researcher',
      'analyst',
      'reviewer',
      'writer',
    ]);

    // One task failed its acceptance check once and passed on retry, with the violation in the prompt.
    const retried = byKey.get('c');
    expect(retried?.attempts).toBe(2);
    expect(retried?.violations).toEqual([
      expect.objectContaining({ attempt: 1, violations: ['the answer is only a draft'] }),
    ]);
    expect(retried?.result).toBe('Result of c: done.');
    const retryPrompt = calls.find(
      (call) => call.user.startsWith('Task c:') && call.user.includes('rejected'),
    );
    expect(retryPrompt?.user).toContain('the answer is only a draft');
    expect(board.tasks.filter((entry) => entry.key !== 'c').every((entry) => entry.attempts === 1)).toBe(
      true,
    );

    // Parallel branches really overlapped in time (run start/finish timestamps).
    const db = harness.colony.services.database.db;
    const runsOf = async (key: string) => {
      const ids = byKey.get(key)?.runIds ?? [];
      return db.selectFrom('run').select(['started_at', 'finished_at']).where('id', 'in', ids).execute();
    };
    const window = async (key: string) => {
      const runs = await runsOf(key);
      return {
        start: Math.min(...runs.map((run) => Number(run.started_at))),
        end: Math.max(...runs.map((run) => Number(run.finished_at))),
      };
    };
    const overlaps = async (left: string, right: string) => {
      const [one, two] = [await window(left), await window(right)];
      return one.start < two.end && two.start < one.end;
    };
    expect(await overlaps('a', 'e')).toBe(true);
    expect(await overlaps('b', 'c')).toBe(true);
    // ...and dependencies were respected: d started after b and c finished.
    expect((await window('d')).start).toBeGreaterThanOrEqual(
      Math.max((await window('b')).end, (await window('c')).end),
    );

    // Handoff notes: one per edge, and the dependent's prompt carries them.
    expect(board.handoffs).toHaveLength(8);
    const mergePrompt = calls.find((call) => call.user.startsWith('Task d:'));
    expect(mergePrompt?.user).toContain('Handoff note from b');
    expect(mergePrompt?.user).toContain('Handoff note from c');

    // The final report was aggregated by the model.
    expect(board.report).toBe('FINAL REPORT covering a, b, c, d, e, f, g, h');
    expect(board.usage.inputTokens).toBeGreaterThan(0);

    // Every routing decision is logged with every candidate's score components.
    const logged = await harness.request('GET', `/v1/routing-decisions?missionId=${mission.id}`);
    expect(logged.status).toBe(200);
    const { decisions } = (await logged.json()) as { decisions: RoutingDecision[] };
    expect(decisions).toHaveLength(8);
    for (const decision of decisions) {
      expect(decision.candidates).toHaveLength(4);
      for (const candidate of decision.candidates) {
        for (const component of ['capability', 'success', 'load', 'cost', 'total'] as const) {
          expect(candidate[component]).toBeGreaterThanOrEqual(0);
        }
      }
      expect(decision.chosen).toHaveLength(1);
      expect(byKey.get(decision.taskRef.split('/').at(-1) ?? '')?.assignees[0]?.agentId).toBe(
        decision.chosen[0],
      );
    }
  });
});
