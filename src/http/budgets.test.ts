import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../storage/test-support/databases.js';
import { createHttpHarness, type HttpHarness } from './test-support/http-harness.js';

interface Budget {
  scope: 'org' | 'agent';
  agent: { id: string; name: string } | null;
  maxTokensPerMonth: number | null;
  maxCostUsdPerMonth: number | null;
  used: { tokens: number; costUsd: number; since: number };
}
interface Run {
  id: string;
  status: string;
  error: string | null;
  steps: Array<{ kind: string }>;
}

// Issue 15 item 2: monthly budgets per org and per agent gate runs before they start (429) and
// between model steps (the run ends with quota_exceeded and a run-limit-exceeded event).
describe.each(testDialects)('monthly budgets on %s', (dialect) => {
  let harness: HttpHarness;

  async function json<T>(response: Response, status: number): Promise<T> {
    expect(response.status, await response.clone().text()).toBe(status);
    return (await response.json()) as T;
  }

  async function newChat(agent: string): Promise<string> {
    return (await json<{ id: string }>(await harness.request('POST', '/v1/chats', { body: { agent } }), 201))
      .id;
  }

  beforeAll(async () => {
    harness = await createHttpHarness(dialect, { workers: true });
    for (const name of ['frugal', 'spender', 'other']) {
      await json(await harness.request('POST', '/v1/agents', { body: { name, tools: ['get_time'] } }), 201);
    }
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('stops a running agent before its next model step once its budget is spent, then refuses new runs', async () => {
    const set = await json<Budget>(
      await harness.request('PUT', '/v1/budgets/agents/frugal', { body: { maxTokensPerMonth: 1 } }),
      200,
    );
    expect(set).toMatchObject({ scope: 'agent', agent: { name: 'frugal' }, maxTokensPerMonth: 1 });
    expect(set.maxCostUsdPerMonth).toBeNull();

    // Step 1 (a tool call) is allowed: nothing was spent yet. Before step 2 the budget is spent.
    const chat = await newChat('frugal');
    const posted = await json<{ run: { id: string } }>(
      await harness.request('POST', `/v1/chats/${chat}/messages`, {
        body: { content: 'what time is it? /tool get_time' },
      }),
      202,
    );
    const run = (await harness.waitForRun(posted.run.id)) as unknown as Run;
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/^quota_exceeded: the agent's monthly budget agentTokensPerMonth = 1 is spent/);
    expect(run.steps.filter((step) => step.kind === 'model')).toHaveLength(1);
    const limitEvent = await harness.colony.database.db
      .selectFrom('event')
      .select('payload')
      .where('run_id', '=', run.id)
      .where('type', '=', 'run-limit-exceeded')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(limitEvent.payload)).toMatchObject({ limit: 'agentTokensPerMonth', max: 1 });

    // A new message to the spent agent: 429, and the refused request wrote nothing.
    const before = await harness.rowCounts(['message', 'run', 'task', 'event']);
    const refused = await harness.request('POST', `/v1/chats/${chat}/messages`, {
      body: { content: 'again' },
    });
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as { error: { code: string; message: string; details?: unknown } };
    expect(body.error.code).toBe('quota_exceeded');
    expect(body.error.message).toContain('agentTokensPerMonth');
    expect(body.error.details).toMatchObject({ limit: 'agentTokensPerMonth', max: 1 });
    expect(await harness.rowCounts(['message', 'run', 'task', 'event'])).toEqual(before);

    // Another agent is not limited by this budget.
    const free = await newChat('spender');
    await json(
      await harness.request('POST', `/v1/chats/${free}/messages`, { body: { content: 'hello' } }),
      202,
    );

    // Lifting the budget lets the agent run again.
    expect((await harness.request('DELETE', '/v1/budgets/agents/frugal')).status).toBe(204);
    await json(
      await harness.request('POST', `/v1/chats/${chat}/messages`, { body: { content: 'again' } }),
      202,
    );
  });

  it('gates every agent of the org on the org budget, and reports what was used', async () => {
    const listedBefore = await json<{ budgets: Budget[] }>(await harness.request('GET', '/v1/budgets'), 200);
    expect(listedBefore.budgets).toEqual([]);
    // A cost budget of 0 admits free models (the offline model costs nothing), as maxCostUsdPerRun does.
    const free = await json<Budget>(
      await harness.request('PUT', '/v1/budgets/org', { body: { maxCostUsdPerMonth: 0 } }),
      200,
    );
    expect(free).toMatchObject({ scope: 'org', agent: null, maxCostUsdPerMonth: 0, maxTokensPerMonth: null });
    await json(
      await harness.request('POST', `/v1/chats/${await newChat('other')}/messages`, {
        body: { content: 'hi' },
      }),
      202,
    );
    // A token limit the org has already used up: every agent of the org is refused.
    await json(await harness.request('PUT', '/v1/budgets/org', { body: { maxTokensPerMonth: 1 } }), 200);
    const refused = await harness.request('POST', `/v1/chats/${await newChat('other')}/messages`, {
      body: { content: 'hi' },
    });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(
      "the org's monthly budget orgTokensPerMonth = 1 is spent",
    );

    // A token limit added, the cost limit lifted: the org runs again while tokens remain.
    const changed = await json<Budget>(
      await harness.request('PUT', '/v1/budgets/org', {
        body: { maxCostUsdPerMonth: null, maxTokensPerMonth: 1_000_000_000 },
      }),
      200,
    );
    expect(changed).toMatchObject({ maxCostUsdPerMonth: null, maxTokensPerMonth: 1_000_000_000 });
    expect(changed.used.tokens).toBeGreaterThan(0);
    await json(
      await harness.request('POST', `/v1/chats/${await newChat('other')}/messages`, {
        body: { content: 'hi' },
      }),
      202,
    );
    const listed = await json<{ budgets: Budget[] }>(await harness.request('GET', '/v1/budgets'), 200);
    expect(listed.budgets.map((budget) => budget.scope)).toEqual(['org']);
    expect((await harness.request('DELETE', '/v1/budgets/org')).status).toBe(204);
    expect((await harness.request('DELETE', '/v1/budgets/org')).status).toBe(404);
  });

  it('names the field of bad input, needs an admin, and hides another org’s agents and budgets', async () => {
    for (const [body, field] of [
      [{ maxTokensPerMonth: -5 }, 'json.maxTokensPerMonth'],
      [{ maxCostUsdPerMonth: 'lots' }, 'json.maxCostUsdPerMonth'],
      [{ maxTokens: 5 }, 'json'],
      [{}, 'maxTokensPerMonth'],
    ] as const) {
      const response = await harness.request('PUT', '/v1/budgets/org', { body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      const error = (await response.json()) as { error: { details?: { fields?: Array<{ path: string }> } } };
      expect(error.error.details?.fields?.map((item) => item.path).join(' ')).toContain(field);
    }
    const member = await harness.request('PUT', '/v1/budgets/org', {
      key: harness.keys.member,
      body: { maxTokensPerMonth: 5 },
    });
    expect(member.status).toBe(403);
    const viewer = await harness.request('GET', '/v1/budgets', { key: harness.keys.viewer });
    expect(viewer.status).toBe(200);

    await json(
      await harness.request('PUT', '/v1/budgets/agents/spender', { body: { maxTokensPerMonth: 10 } }),
      200,
    );
    const foreign = await harness.request('PUT', '/v1/budgets/agents/spender', {
      key: harness.keys.otherOrg,
      body: { maxTokensPerMonth: 5 },
    });
    expect(foreign.status).toBe(404);
    expect(
      (await harness.request('DELETE', '/v1/budgets/agents/spender', { key: harness.keys.otherOrg })).status,
    ).toBe(404);
    const theirs = await json<{ budgets: Budget[] }>(
      await harness.request('GET', '/v1/budgets', { key: harness.keys.otherOrg }),
      200,
    );
    expect(theirs.budgets).toEqual([]);
    expect((await harness.request('DELETE', '/v1/budgets/agents/spender')).status).toBe(204);
  });
});
