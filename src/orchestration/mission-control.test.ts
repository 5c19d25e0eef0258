import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpHarness } from '../http/test-support/http-harness.js';
import { testDialects } from '../storage/test-support/databases.js';
import type { Mission, MissionBoard } from './mission-types.js';
import type { Plan } from './plan.js';
import { createAgents, createMissionHarness, waitForMission } from './test-support/mission-harness.js';
import { missionScript, task } from './test-support/mission-scripts.js';
import {
  createScriptedModel,
  installMockProvider,
  type ScriptedCall,
} from './test-support/scripted-model.js';

const bigPlan: Plan = {
  tasks: Array.from({ length: 51 }, (_, index) => task(`t${index}`, `Step ${index}`, 'research')),
};

describe.each(testDialects)('mission control on %s', (dialect) => {
  let harness: HttpHarness;
  const plannerCalls: ScriptedCall[] = [];
  const agentSlow = (call: ScriptedCall) => /slow/i.test(call.user.split('\n')[0] ?? '');
  beforeAll(async () => {
    harness = await createMissionHarness(dialect);
    const scripts: Record<string, Parameters<typeof createScriptedModel>[0]> = {
      cycle: missionScript({
        plans: [{ tasks: [task('a', 'Alpha', 'research', ['b']), task('b', 'Beta', 'research', ['a'])] }],
      }),
      big: missionScript({ plans: [bigPlan] }),
      garbage: missionScript({ plans: ['this is not a plan'] }),
      repair: missionScript({
        calls: plannerCalls,
        plans: [
          { tasks: [task('a', 'Collect data', 'research', ['zzz'])] },
          { tasks: [task('a', 'Collect data', 'research')] },
        ],
      }),
      replan: missionScript({
        plans: [
          { tasks: [task('x1', 'Collect data', 'research'), task('bad1', 'Analyze wrongly', 'analysis')] },
          { tasks: [task('fix1', 'Analyze properly', 'analysis', ['x1'])] },
        ],
      }),
      doomed: missionScript({ plans: [{ tasks: [task('bad2', 'Analyze wrongly', 'analysis')] }] }),
      vote: missionScript({
        plans: [{ tasks: [{ ...task('v', 'Estimate the market size', 'analysis'), k: 3 }] }],
      }),
      agent: async (call) => {
        if (call.system.includes('Extract durable memories')) return JSON.stringify({ memories: [] });
        // A short pause so the mission task suspends before its run ends (see the report: a lock-order
        // race between a task's suspend and its child run's completion on Postgres).
        await new Promise((resolve) => setTimeout(resolve, 50));
        if (agentSlow(call))
          await new Promise((resolve, reject) => {
            const timer = setTimeout(resolve, 10_000);
            call.signal?.addEventListener('abort', () => {
              clearTimeout(timer);
              reject(call.signal?.reason);
            });
          });
        const key = /^Task (\S+):/m.exec(call.user)?.[1] ?? '?';
        if (key.startsWith('bad')) return 'DRAFT only';
        if (call.system.includes('contrarian')) return 'A completely different estimate.';
        return `Result of ${key}: done.`;
      },
    };
    installMockProvider(harness.colony.services.models, (modelId) => {
      const script = scripts[modelId];
      if (!script) throw new Error(`no script ${modelId}`);
      return createScriptedModel(script, modelId);
    });
    await createAgents(harness, [
      { name: 'researcher', text: 'research and collect data', tags: ['research'], model: 'mock:agent' },
      { name: 'analyst', text: 'analysis and estimates', tags: ['analysis'], model: 'mock:agent' },
      {
        name: 'critic',
        text: 'analysis',
        tags: ['analysis'],
        model: 'mock:agent',
        instructions: 'You are contrarian.',
      },
      { name: 'offliner', text: 'anything offline', model: 'offline:echo' },
    ]);
  });
  afterAll(async () => {
    await harness.close();
  });

  const start = async (body: Record<string, unknown>, key = harness.keys.member) => {
    const response = await harness.request('POST', '/v1/missions', { body, key });
    expect(response.status, await response.clone().text()).toBe(202);
    return (await response.json()) as Mission;
  };
  const board = async (id: string) =>
    (await (await harness.request('GET', `/v1/missions/${id}`)).json()) as MissionBoard;

  it('rejects a cyclic plan (after one repair attempt) and fails with a report', async () => {
    const mission = await start({ goal: 'anything', model: 'mock:cycle' });
    const done = await waitForMission(harness, mission.id);
    expect(done.state).toBe('failed');
    expect(done.error).toMatch(/planning failed after 2 attempt\(s\).*cycle: (a → b → a|b → a → b)/);
    expect(done.tasks).toHaveLength(0);
    expect(done.report).toContain('Reason: planning failed');
  });

  it('rejects plans over 50 tasks and answers that are not a plan', async () => {
    const big = await waitForMission(harness, (await start({ goal: 'anything', model: 'mock:big' })).id);
    expect(big.state).toBe('failed');
    expect(big.error).toContain('51 tasks; at most 50');
    const garbage = await waitForMission(
      harness,
      (await start({ goal: 'anything', model: 'mock:garbage' })).id,
    );
    expect(garbage.state).toBe('failed');
    expect(garbage.error).toContain('did not match the plan schema');
  });

  it('repairs an invalid plan with the validation errors in the prompt', async () => {
    const done = await waitForMission(
      harness,
      (await start({ goal: 'collect data', model: 'mock:repair' })).id,
    );
    expect(done.state).toBe('succeeded');
    const planning = plannerCalls.filter((call) => call.system.includes('mission planner'));
    expect(planning).toHaveLength(2);
    expect(planning[1]?.user).toContain('task "a" depends on "zzz", which is not in the plan');
  });

  it('replans once when a task exhausts its retries, keeping what succeeded', async () => {
    const mission = await start({ goal: 'collect and analyze', model: 'mock:replan', maxAttempts: 2 });
    const done = await waitForMission(harness, mission.id);
    expect(done.state, done.error ?? '').toBe('succeeded');
    expect(done.replans).toBe(1);
    expect(done.generation).toBe(2);
    const statuses = done.tasks.map((entry) => [entry.generation, entry.key, entry.status, entry.attempts]);
    expect(statuses).toEqual(
      expect.arrayContaining([
        [1, 'x1', 'succeeded', 1],
        [1, 'bad1', 'failed', 2],
        [2, 'fix1', 'succeeded', 1],
      ]),
    );
    expect(done.handoffs.some((handoff) => handoff.summary.startsWith('Collect data'))).toBe(true);
    expect(done.report).toContain('x1');
    expect(done.report).toContain('fix1');
  });

  it('fails with a report when the replanned mission fails again', async () => {
    const done = await waitForMission(
      harness,
      (await start({ goal: 'analyze', model: 'mock:doomed', maxAttempts: 1 })).id,
    );
    expect(done.state).toBe('failed');
    expect(done.error).toContain('already replanned, giving up');
    expect(done.tasks.map((entry) => [entry.generation, entry.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
    ]);
    expect(done.report).toContain('bad2');
    expect(done.report).toContain('the answer is only a draft');
  });

  it('votes when k agents answer the same task', async () => {
    const done = await waitForMission(
      harness,
      (await start({ goal: 'estimate', model: 'mock:vote', agents: ['researcher', 'analyst', 'critic'] })).id,
      undefined,
      5000,
    );
    expect(done.state, done.error ?? '').toBe('succeeded');
    const voted = done.tasks[0];
    expect(voted?.assignees).toHaveLength(3);
    expect(voted?.runIds).toHaveLength(3);
    expect(voted?.result).toBe('Result of v: done.');
    expect(voted?.votes).toMatchObject({ method: 'majority', tally: [{ count: 2 }, { count: 1 }] });
  });

  it('stops cleanly when the budget is exceeded', async () => {
    const mission = await start({
      goal: 'quick look; slow deep dive',
      model: 'offline:echo',
      agents: ['researcher'],
      budget: { maxTokens: 5 },
    });
    const done = await waitForMission(harness, mission.id);
    expect(done.state).toBe('failed');
    expect(done.error).toMatch(/^budget exceeded/);
    const slow = done.tasks.find((entry) => entry.title.startsWith('Slow'));
    expect(slow?.status).toBe('canceled');
    await expectNothingRunning(done);
  });

  it('waits at checkpoints until approved', async () => {
    const final = await start({
      goal: 'first part; second part',
      model: 'offline:echo',
      agents: ['offliner'],
      checkpoints: true,
    });
    const waiting = await waitForMission(harness, final.id, (entry) => entry.state === 'checkpoint');
    expect(waiting.checkpoints).toEqual([
      expect.objectContaining({ name: 'before-aggregation', status: 'pending' }),
    ]);
    expect(waiting.report).toBeNull();
    const viewer = await harness.request('POST', `/v1/missions/${final.id}/checkpoints/approve`, {
      key: harness.keys.viewer,
    });
    expect(viewer.status).toBe(403);
    const approved = await harness.request('POST', `/v1/missions/${final.id}/checkpoints/approve`, {
      key: harness.keys.member,
    });
    expect(approved.status).toBe(200);
    expect(await harness.auditOf(approved)).toEqual([
      expect.objectContaining({ action: 'mission.checkpoint.approve', resource_id: final.id }),
    ]);
    const done = await waitForMission(harness, final.id);
    expect(done.state).toBe('succeeded');
    expect(done.checkpoints[0]?.status).toBe('approved');
    const again = await harness.request('POST', `/v1/missions/${final.id}/checkpoints/approve`);
    expect(again.status).toBe(409);

    const named = await start({
      goal: 'first part then second part',
      model: 'offline:echo',
      agents: ['offliner'],
      checkpoints: ['t1'],
    });
    const paused = await waitForMission(harness, named.id, (entry) => entry.state === 'checkpoint');
    expect(paused.tasks.map((entry) => [entry.key, entry.status])).toEqual([
      ['t1', 'checkpoint'],
      ['t2', 'pending'],
    ]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await board(named.id)).tasks[1]?.runIds).toEqual([]);
    const resumed = await harness.request('POST', `/v1/missions/${named.id}/checkpoints/approve`, {
      body: { name: 't1' },
    });
    expect(resumed.status).toBe(200);
    expect((await waitForMission(harness, named.id)).state).toBe('succeeded');
  });

  it('fails a mission whose deadline passes', async () => {
    const mission = await start({
      goal: 'slow endless task',
      model: 'offline:echo',
      agents: ['researcher'],
      deadlineAt: Date.now() + 1200,
    });
    const done = await waitForMission(harness, mission.id);
    expect(done.state).toBe('failed');
    expect(done.error).toBe('deadline passed');
    await expectNothingRunning(done);
  });

  it('emergency-stops one mission promptly', async () => {
    const mission = await start({
      goal: 'slow alpha; slow beta',
      model: 'offline:echo',
      agents: ['researcher', 'analyst'],
    });
    await waitForMission(
      harness,
      mission.id,
      (entry) => entry.tasks.filter((item) => item.runIds.length > 0).length === 2,
    );
    const stoppedAt = Date.now();
    const response = await harness.request('POST', `/v1/missions/${mission.id}/stop`, {
      key: harness.keys.member,
      body: { reason: 'wrong goal' },
    });
    expect(response.status).toBe(200);
    const stopped = (await response.json()) as MissionBoard;
    expect(stopped.state).toBe('canceled');
    expect(stopped.error).toBe('stopped: wrong goal');
    expect(stopped.tasks.every((entry) => entry.status === 'canceled')).toBe(true);
    await expectNothingRunning(stopped);
    expect(Date.now() - stoppedAt).toBeLessThan(2000);
    const again = await harness.request('POST', `/v1/missions/${mission.id}/stop`);
    expect(((await again.json()) as MissionBoard).error).toBe('stopped: wrong goal');
  });

  it('org-wide stop cancels every mission and run of the org (admin only)', async () => {
    const first = await start({ goal: 'slow one', model: 'offline:echo', agents: ['researcher'] });
    const second = await start({ goal: 'slow two', model: 'offline:echo', agents: ['analyst'] });
    for (const mission of [first, second]) {
      await waitForMission(harness, mission.id, (entry) =>
        entry.tasks.some((item) => item.runIds.length > 0),
      );
    }
    const forbidden = await harness.request('POST', '/v1/stop', { key: harness.keys.member });
    expect(forbidden.status).toBe(403);
    const response = await harness.request('POST', '/v1/stop', {
      key: harness.keys.admin,
      body: { reason: 'incident' },
    });
    expect(response.status).toBe(200);
    const result = (await response.json()) as { missions: string[]; runs: string[] };
    expect(result.missions.sort()).toEqual([first.id, second.id].sort());
    for (const mission of [first, second]) {
      const stopped = await board(mission.id);
      expect(stopped.state).toBe('canceled');
      expect(stopped.error).toBe('emergency stop: incident');
      await expectNothingRunning(stopped);
    }
  });

  /** Outstanding work is canceled (at once for an HTTP stop; a background stop may take a moment). */
  async function expectNothingRunning(mission: MissionBoard) {
    const db = harness.colony.services.database.db;
    const runIds = mission.tasks.flatMap((entry) => entry.runIds);
    const unfinished = async () => {
      const runs =
        runIds.length === 0
          ? []
          : await db.selectFrom('run').select(['id', 'status']).where('id', 'in', runIds).execute();
      const tasks = await db
        .selectFrom('task')
        .select(['id', 'status'])
        .where((builder) =>
          builder.or([builder('id', '=', mission.taskId), builder('parent_id', '=', mission.taskId)]),
        )
        .execute();
      return [...runs, ...tasks].filter((row) =>
        ['queued', 'pending', 'ready', 'running', 'waiting'].includes(row.status),
      );
    };
    const deadline = Date.now() + 3000;
    while ((await unfinished()).length > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await unfinished()).toEqual([]);
  }
});
