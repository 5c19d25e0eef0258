import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../storage/test-support/databases.js';
import { createHttpHarness, type HttpHarness } from './test-support/http-harness.js';

interface Totals {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  costUsd: number;
}
interface Row extends Totals {
  agent?: { id: string | null; name: string | null };
  model?: { provider: string; id: string };
  day?: string;
}
interface Report {
  from: number;
  to: number;
  groupBy: string[];
  rows: Row[];
  total: Totals;
}

const day = (date: string) => Date.parse(`${date}T00:00:00Z`);

describe.each(testDialects)('GET /v1/usage on %s', (dialect) => {
  let harness: HttpHarness;
  let alpha: string;
  let beta: string;

  async function report(query: string, key?: string): Promise<Report> {
    const response = await harness.request('GET', `/v1/usage${query}`, key ? { key } : {});
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as Report;
  }

  beforeAll(async () => {
    harness = await createHttpHarness(dialect, { workers: true });
    const create = async (name: string) =>
      ((await (await harness.request('POST', '/v1/agents', { body: { name } })).json()) as { id: string }).id;
    alpha = await create('usage-alpha');
    beta = await create('usage-beta');
    // Fixed rows in November 2026, so the sums below are exact.
    const rows = [
      { agent: alpha, model: 'gpt-x', at: day('2026-11-01') + 5, input: 100, output: 10, cost: 0.25 },
      { agent: alpha, model: 'gpt-x', at: day('2026-11-01') + 9, input: 50, output: 5, cost: 0.125 },
      { agent: alpha, model: 'claude-y', at: day('2026-11-02'), input: 30, output: 3, cost: 0.5 },
      { agent: beta, model: 'gpt-x', at: day('2026-11-02') + 86_399_999, input: 7, output: 1, cost: 0.0625 },
      { agent: beta, model: 'gpt-x', at: day('2026-12-01'), input: 1000, output: 1000, cost: 9 },
    ];
    await harness.colony.database.db
      .insertInto('usage_log')
      .values(
        rows.map((row, index) => ({
          id: `use_fixture_${index}`,
          org_id: harness.orgId,
          run_id: null,
          agent_id: row.agent,
          provider: 'fixture',
          model: row.model,
          input_tokens: row.input,
          output_tokens: row.output,
          cost_usd: row.cost,
          created_at: row.at,
        })),
      )
      .execute();
  }, 60_000);

  afterAll(() => harness.close());

  const november = `?from=${day('2026-11-01')}&to=${day('2026-12-01')}`;

  it('totals a range, and splits it by agent, model and UTC day', async () => {
    const whole = await report(november);
    expect(whole.total).toEqual({
      calls: 4,
      inputTokens: 187,
      outputTokens: 19,
      totalTokens: 206,
      costUsd: 0.9375,
    });
    expect(whole.rows).toEqual([{ ...whole.total }]);

    const byAgent = await report(`${november}&groupBy=agent`);
    expect(byAgent.rows.map((row) => [row.agent?.name, row.calls, row.costUsd])).toEqual([
      ['usage-alpha', 3, 0.875],
      ['usage-beta', 1, 0.0625],
    ]);

    const byDayAndModel = await report(`${november}&groupBy=day,model`);
    expect(byDayAndModel.rows.map((row) => [row.day, row.model?.id, row.inputTokens])).toEqual([
      ['2026-11-01', 'gpt-x', 150],
      ['2026-11-02', 'claude-y', 30],
      ['2026-11-02', 'gpt-x', 7],
    ]);
    expect(byDayAndModel.total).toEqual(whole.total);

    const onlyBeta = await report(`${november}&agent=usage-beta&groupBy=agent,model,day`);
    expect(onlyBeta.rows).toEqual([
      {
        agent: { id: beta, name: 'usage-beta' },
        model: { provider: 'fixture', id: 'gpt-x' },
        day: '2026-11-02',
        calls: 1,
        inputTokens: 7,
        outputTokens: 1,
        totalTokens: 8,
        costUsd: 0.0625,
      },
    ]);
  });

  it('counts the usage of a real run, this month by default', async () => {
    const monthOfRun = new Date().toISOString().slice(0, 7);
    const chat = (await (await harness.request('POST', '/v1/chats', { body: { agent: alpha } })).json()) as {
      id: string;
    };
    const posted = (await (
      await harness.request('POST', `/v1/chats/${chat.id}/messages`, { body: { content: 'hello there' } })
    ).json()) as { run: { id: string } };
    const run = (await harness.waitForRun(posted.run.id)) as unknown as {
      status: string;
      usage: { inputTokens: number; outputTokens: number };
    };
    expect(run.status).toBe('succeeded');
    // A run at the very end of a UTC month is reported under that month, not the next one.
    const monthChanged = new Date().toISOString().slice(0, 7) !== monthOfRun;
    const current = await report(
      monthChanged
        ? `?from=${Date.parse(`${monthOfRun}-01T00:00:00Z`)}&groupBy=agent,model`
        : '?groupBy=agent,model',
    );
    const live = current.rows.filter((row) => row.model?.provider !== 'fixture');
    expect(live).toHaveLength(1);
    expect(live[0]?.agent?.name).toBe('usage-alpha');
    expect(live[0]?.inputTokens).toBe(run.usage.inputTokens);
    expect(live[0]?.outputTokens).toBe(run.usage.outputTokens);
    expect(current.from).toBeLessThanOrEqual(Date.now());
  });

  it('names the field of a bad query, and hides another org’s usage and agents', async () => {
    for (const [query, field] of [
      ['?groupBy=agent,team', 'query.groupBy'],
      ['?from=soon', 'query.from'],
      [`?from=${day('2026-12-01')}&to=${day('2026-11-01')}`, 'from'],
    ] as const) {
      const response = await harness.request('GET', `/v1/usage${query}`);
      expect(response.status, query).toBe(400);
      const body = (await response.json()) as { error: { details?: { fields?: Array<{ path: string }> } } };
      expect(body.error.details?.fields?.map((item) => item.path)).toContain(field);
    }
    const other = await report(november, harness.keys.otherOrg);
    expect(other.total.calls).toBe(0);
    expect(other.rows).toEqual([]);
    const foreignAgent = await harness.request('GET', `/v1/usage?agent=${alpha}`, {
      key: harness.keys.otherOrg,
    });
    expect(foreignAgent.status).toBe(404);
    expect((await harness.request('GET', '/v1/usage', { key: harness.keys.viewer })).status).toBe(200);
  });
});
