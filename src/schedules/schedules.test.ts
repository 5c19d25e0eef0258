import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpHarness, type HttpHarness } from '../http/test-support/http-harness.js';
import { testDialects } from '../storage/test-support/databases.js';
import { createScheduler } from '../tasks/index.js';

interface Schedule {
  id: string;
  name: string;
  enabled: boolean;
  nextRunAt: number | null;
  intervalMs: number | null;
}
interface Detail extends Schedule {
  upcoming: number[];
  history: Array<{
    scheduledAt: number;
    status: string;
    result: Record<string, string> | null;
    error: string | null;
  }>;
}
interface ErrorBody {
  error: { code: string; details?: { fields?: Array<{ path: string }> } };
}

describe.each(testDialects)('schedules on %s', (dialect) => {
  let harness: HttpHarness;

  async function json<T>(response: Promise<Response>, status = 200): Promise<T> {
    const resolved = await response;
    expect(resolved.status, await resolved.clone().text()).toBe(status);
    return (await resolved.json()) as T;
  }
  const create = (body: unknown, status = 201) =>
    json<Schedule>(harness.request('POST', '/v1/schedules', { body }), status);
  const detail = (id: string) => json<Detail>(harness.request('GET', `/v1/schedules/${id}`));

  /** Makes the schedule due now and lets the scheduler fire it, then waits for the firing to end. */
  async function fire(id: string): Promise<Detail['history'][number]> {
    const { db } = harness.colony.database;
    const row = await db
      .selectFrom('schedule')
      .select('job_id')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const before = (await detail(id)).history.length;
    await db
      .updateTable('scheduled_job')
      .set({ next_run_at: Date.now() - 1 })
      .where('id', '=', row.job_id)
      .execute();
    expect(await harness.colony.scheduler?.tick()).toBe(1);
    for (let waited = 0; waited < 30_000; waited += 50) {
      const { history } = await detail(id);
      const latest = history[0];
      if (history.length > before && latest && ['succeeded', 'failed'].includes(latest.status)) return latest;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`schedule ${id} did not fire`);
  }

  beforeAll(async () => {
    harness = await createHttpHarness(dialect, { workers: true });
    await harness.request('POST', '/v1/agents', { body: { name: 'reporter' } });
  }, 60_000);

  afterAll(() => harness.close());

  it('fires an agent prompt into a new chat each time, and lists its history', async () => {
    const schedule = await create({
      name: 'standup',
      intervalMs: 60_000,
      target: { kind: 'agent', agent: 'reporter', prompt: 'Post the standup summary' },
    });
    expect(schedule.nextRunAt).toBeGreaterThan(Date.now());
    const { upcoming } = await detail(schedule.id);
    expect(upcoming).toHaveLength(5);
    expect(upcoming.slice(1).map((time, index) => time - (upcoming[index] ?? 0))).toEqual([
      60_000, 60_000, 60_000, 60_000,
    ]);

    const firing = await fire(schedule.id);
    expect(firing.status).toBe('succeeded');
    const chatId = firing.result?.chatId ?? '';
    const run = await harness.waitForRun(firing.result?.runId ?? '');
    expect(run.status).toBe('succeeded');
    const messages = await json<{ messages: Array<{ role: string; content: string }> }>(
      harness.request('GET', `/v1/chats/${chatId}/messages`),
    );
    expect(messages.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    expect(messages.messages[0]?.content).toBe('Post the standup summary');
    const again = await fire(schedule.id);
    expect(again.result?.chatId).not.toBe(chatId);
    expect((await detail(schedule.id)).history.map((entry) => entry.status)).toEqual([
      'succeeded',
      'succeeded',
    ]);
  }, 90_000);

  it('starts a mission, on a cron pattern in a time zone', async () => {
    const schedule = await create({
      name: 'weekly-research',
      cron: '0 8 * * 1',
      timezone: 'Asia/Tokyo',
      target: { kind: 'mission', goal: 'research the week; write a short summary' },
    });
    const next = new Date(schedule.nextRunAt ?? 0);
    const tokyo = new Intl.DateTimeFormat('en-US', {
      timeZone: 'Asia/Tokyo',
      weekday: 'short',
      hour: 'numeric',
      hour12: false,
    }).format(next);
    expect(tokyo).toBe('Mon, 08');
    const firing = await fire(schedule.id);
    expect(firing.status).toBe('succeeded');
    const mission = await json<{ id: string; goal: string }>(
      harness.request('GET', `/v1/missions/${firing.result?.missionId}`),
    );
    expect(mission.goal).toBe('research the week; write a short summary');
  }, 90_000);

  it('starts a workflow run at each firing, and refuses an unknown workflow', async () => {
    await json(
      harness.request('POST', '/v1/workflows', {
        body: {
          definition: { name: 'tick', steps: [{ id: 'mark', type: 'set', values: { at: '$now()' } }] },
        },
      }),
      201,
    );
    const unknown = await json<ErrorBody>(
      harness.request('POST', '/v1/schedules', {
        body: { name: 'nope', intervalMs: 60_000, target: { kind: 'workflow', workflow: 'missing' } },
      }),
      400,
    );
    expect(unknown.error.details?.fields?.[0]?.path).toBe('target.workflow');
    const schedule = await create({
      name: 'ticker',
      intervalMs: 60_000,
      target: { kind: 'workflow', workflow: 'tick', input: { from: 'schedule' } },
    });
    const firing = await fire(schedule.id);
    expect(firing.status).toBe('succeeded');
    const runId = firing.result?.workflowRunId ?? '';
    expect(runId).toMatch(/^wfr_/);
    const run = await json<{ input: unknown }>(harness.request('GET', `/v1/workflow-runs/${runId}`));
    expect(run.input).toEqual({ from: 'schedule' });
  });

  it('pauses and resumes; a paused schedule does not fire', async () => {
    const schedule = await create({
      name: 'pausable',
      intervalMs: 10_000,
      target: { kind: 'agent', agent: 'reporter', prompt: 'ping' },
    });
    const paused = await json<Schedule>(
      harness.request('PATCH', `/v1/schedules/pausable`, { body: { enabled: false } }),
    );
    expect(paused).toMatchObject({ enabled: false, nextRunAt: null });
    const { db } = harness.colony.database;
    await db
      .updateTable('scheduled_job')
      .set({ next_run_at: Date.now() - 1 })
      .where('name', '=', `schedule:${schedule.id}`)
      .execute();
    expect(await harness.colony.scheduler?.tick()).toBe(0);
    const resumed = await json<Schedule>(
      harness.request('PATCH', `/v1/schedules/${schedule.id}`, { body: { enabled: true } }),
    );
    expect(resumed.enabled).toBe(true);
    expect(resumed.nextRunAt).toBeGreaterThan(Date.now());
    const audit = await json<{ entries: Array<{ action: string }> }>(
      harness.request('GET', `/v1/audit?resourceId=${schedule.id}`),
    );
    expect(audit.entries.map((entry) => entry.action)).toEqual([
      'schedule.resume',
      'schedule.pause',
      'schedule.create',
    ]);
  });

  it('fires a slot once even with two schedulers ticking at the same moment', async () => {
    const schedule = await create({
      name: 'contended',
      intervalMs: 60_000,
      target: { kind: 'agent', agent: 'reporter', prompt: 'once' },
    });
    const { db } = harness.colony.database;
    await db
      .updateTable('scheduled_job')
      .set({ next_run_at: Date.now() - 1 })
      .where('name', '=', `schedule:${schedule.id}`)
      .execute();
    const services = harness.colony.services;
    const [one, two] = [
      createScheduler(services, { schedulerId: 'one' }),
      createScheduler(services, { schedulerId: 'two' }),
    ];
    const fired = (await Promise.all([one.tick(), two.tick(), harness.colony.scheduler?.tick() ?? 0])).reduce(
      (a, b) => a + b,
      0,
    );
    await Promise.all([one.stop(), two.stop()]);
    expect(fired).toBeLessThanOrEqual(1);
    const tasks = await db
      .selectFrom('task')
      .select('id')
      .where('kind', '=', 'schedule-fire')
      .where('idempotency_key', 'like', `cron:%`)
      .execute();
    const mine = (await detail(schedule.id)).history;
    expect(mine.length).toBeLessThanOrEqual(1);
    expect(tasks.length).toBeGreaterThan(0);
  });

  it('names the field of bad input and keeps names unique', async () => {
    const agentTarget = { kind: 'agent', agent: 'reporter', prompt: 'x' };
    for (const [body, field] of [
      [{ name: 'both', cron: '* * * * *', intervalMs: 60_000, target: agentTarget }, 'cron'],
      [{ name: 'neither', target: agentTarget }, 'cron'],
      [{ name: 'bad-cron', cron: '61 * * * *', target: agentTarget }, 'cron'],
      [{ name: 'bad-zone', cron: '@daily', timezone: 'Mars/Olympus', target: agentTarget }, 'timezone'],
      [{ name: 'too-often', intervalMs: 5, target: agentTarget }, 'intervalMs'],
      [{ name: 'ghost', intervalMs: 60_000, target: { ...agentTarget, agent: 'nobody' } }, 'target.agent'],
      [{ name: 'Bad Name', intervalMs: 60_000, target: agentTarget }, 'name'],
    ] as const) {
      const error = await json<ErrorBody>(harness.request('POST', '/v1/schedules', { body }), 400);
      // Fields the route's schema rejects carry the body's prefix (`json.`); the use case's do not.
      const paths = error.error.details?.fields?.map((item) => item.path.replace(/^json\./, ''));
      expect(paths, JSON.stringify(body)).toContain(field);
    }
    await create({ name: 'unique', intervalMs: 60_000, target: agentTarget });
    await create({ name: 'unique', intervalMs: 60_000, target: agentTarget }, 409);
  });

  it('hides a schedule from another org', async () => {
    const schedule = await create({
      name: 'private',
      intervalMs: 60_000,
      target: { kind: 'agent', agent: 'reporter', prompt: 'x' },
    });
    const key = harness.keys.otherOrg;
    expect((await harness.request('GET', `/v1/schedules/${schedule.id}`, { key })).status).toBe(404);
    expect(
      (await harness.request('PATCH', `/v1/schedules/${schedule.id}`, { key, body: { enabled: false } }))
        .status,
    ).toBe(404);
    expect((await harness.request('DELETE', `/v1/schedules/${schedule.id}`, { key })).status).toBe(404);
    const theirs = await json<{ schedules: Schedule[] }>(harness.request('GET', '/v1/schedules', { key }));
    expect(theirs.schedules).toEqual([]);
    expect(
      (
        await harness.request('POST', '/v1/schedules', {
          key: harness.keys.viewer,
          body: { name: 'v', intervalMs: 60_000, target: { kind: 'agent', agent: 'reporter', prompt: 'x' } },
        })
      ).status,
    ).toBe(403);
    const deleted = await json<Schedule>(harness.request('DELETE', `/v1/schedules/${schedule.id}`));
    expect(deleted.enabled).toBe(false);
    expect((await harness.request('GET', `/v1/schedules/${schedule.id}`)).status).toBe(404);
  });
});
