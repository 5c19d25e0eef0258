import { describe, expect, it } from 'vitest';
import { formatUsage } from './commands/usage.js';
import { timeOption } from './settings.js';
import { runCli, serveForTests } from './test-support/cli-process.js';

const served = serveForTests('admin');

describe('colony audit', { timeout: 90_000 }, () => {
  it('shows who changed what, filtered, in text and JSON', async () => {
    expect((await runCli(['agent', 'create', 'audited-agent'], served.env)).code).toBe(0);
    const json = await runCli(['audit', '--action', 'agent.*', '--since', '1h', '--json'], served.env);
    expect(json.code).toBe(0);
    const { entries } = JSON.parse(json.stdout) as {
      entries: Array<{ action: string; resourceType: string; actor: { kind: string } }>;
    };
    expect(entries.map((entry) => entry.action)).toContain('agent.create');
    expect(entries.every((entry) => entry.action.startsWith('agent.'))).toBe(true);

    const table = await runCli(['audit', '--resource-type', 'agent', '--all', '--limit', '1'], served.env);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^TIME\s+ACTOR\s+ACTION\s+RESOURCE/);
    expect(table.stdout).toContain('agent.create');

    const none = await runCli(['audit', '--action', 'mission.create'], served.env);
    expect(none.stdout).toContain('no audit entries match');

    const bad = await runCli(['audit', '--since', 'last tuesday'], served.env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--since must be an ISO date');
  });
});

describe('colony usage', { timeout: 90_000 }, () => {
  it('reports this month’s model calls per agent and model', async () => {
    expect((await runCli(['agent', 'create', 'metered'], served.env)).code).toBe(0);
    expect((await runCli(['chat', 'metered'], served.env, 'count my tokens\n')).code).toBe(0);
    const json = await runCli(['usage', '--by', 'agent,model', '--json'], served.env);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as {
      rows: Array<{
        agent: { name: string };
        model: { provider: string };
        calls: number;
        inputTokens: number;
      }>;
    };
    const metered = report.rows.find((row) => row.agent.name === 'metered');
    expect(metered?.calls).toBe(1);
    expect(metered?.model.provider).toBe('offline');
    expect(metered?.inputTokens).toBeGreaterThan(0);

    const table = await runCli(['usage', '--by', 'agent', '--agent', 'metered'], served.env);
    expect(table.stdout).toMatch(/^usage \S+ \S+ → /);
    expect(table.stdout).toMatch(/AGENT\s+CALLS\s+INPUT\s+OUTPUT\s+COST/);
    expect(table.stdout).toMatch(/total\s+1\s/);

    const bad = await runCli(['usage', '--by', 'team'], served.env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('cannot group by "team"');
  });

  it('says when a range has no model calls', () => {
    const empty = {
      from: 0,
      to: 1,
      groupBy: [],
      rows: [],
      total: { calls: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0 },
    };
    expect(formatUsage(empty)).toContain('no model calls');
  });
});

describe('timeOption', () => {
  const now = () => Date.UTC(2026, 11, 3, 12);
  it('reads durations back from now and ISO dates', () => {
    const since = timeOption('--since', now);
    expect(since('30m')).toBe(now() - 30 * 60_000);
    expect(since('7d')).toBe(now() - 7 * 86_400_000);
    expect(since('2026-12-01T09:30Z')).toBe(Date.UTC(2026, 11, 1, 9, 30));
    expect(() => since('soon')).toThrow('--since must be an ISO date');
  });
});

describe('colony budget', { timeout: 90_000 }, () => {
  it('sets, lists and removes the org’s and an agent’s monthly budgets', async () => {
    expect((await runCli(['agent', 'create', 'budgeted'], served.env)).code).toBe(0);
    const org = await runCli(['budget', 'set', '--cost', '25'], served.env);
    expect(org.code, org.stderr).toBe(0);
    const agent = await runCli(
      ['budget', 'set', '--agent', 'budgeted', '--tokens', '50000', '--json'],
      served.env,
    );
    expect(agent.code, agent.stderr).toBe(0);
    expect(JSON.parse(agent.stdout)).toMatchObject({ scope: 'agent', maxTokensPerMonth: 50000 });
    const list = await runCli(['budget', 'list'], served.env);
    expect(list.stdout).toMatch(/^SCOPE\s+TOKENS THIS MONTH\s+COST THIS MONTH/);
    expect(list.stdout).toContain('$0.0000 of $25.0000');
    expect(list.stdout).toMatch(/agent budgeted\s+0 of 50,000/);
    const bad = await runCli(['budget', 'set', '--tokens', 'plenty'], served.env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--tokens must be a whole number');
    expect((await runCli(['budget', 'remove', '--agent', 'budgeted'], served.env)).code).toBe(0);
    expect((await runCli(['budget', 'remove'], served.env)).code).toBe(0);
    expect((await runCli(['budget', 'list'], served.env)).stdout).toContain('no budgets');
  });
});
