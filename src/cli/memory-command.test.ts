import { describe, expect, it } from 'vitest';
import { runCli, serveForTests } from './test-support/cli-process.js';

const served = serveForTests('memory');

describe('colony memory', { timeout: 90_000 }, () => {
  it('adds, searches, shows and traces memories, in text and JSON', async () => {
    const added = await runCli(
      [
        'memory',
        'add',
        'Releases are cut on Thursdays',
        '--type',
        'procedural',
        '--tags',
        'release',
        '--json',
      ],
      served.env,
    );
    expect(added.code).toBe(0);
    const stored = JSON.parse(added.stdout) as {
      action: string;
      memory: { id: string; scope: { kind: string } };
    };
    expect(stored).toMatchObject({ action: 'created', memory: { scope: { kind: 'org' } } });

    const search = await runCli(['memory', 'search', 'when are releases cut', '--json'], served.env);
    expect(search.code).toBe(0);
    const hits = (JSON.parse(search.stdout) as { hits: Array<{ memory: { id: string }; why: string }> }).hits;
    expect(hits[0]?.memory.id).toBe(stored.memory.id);

    const table = await runCli(['memory', 'search', 'releases', '--type', 'procedural'], served.env);
    expect(table.stdout).toMatch(/^SCORE\s+TYPE\s+SCOPE\s+CONTENT\s+WHY/);
    expect(table.stdout).toContain('Releases are cut on Thursdays');

    const shown = await runCli(['memory', 'show', stored.memory.id], served.env);
    expect(shown.stdout).toContain('content:    Releases are cut on Thursdays');
    const history = await runCli(['memory', 'history', stored.memory.id, '--json'], served.env);
    expect((JSON.parse(history.stdout) as { log: Array<{ action: string }> }).log[0]?.action).toBe('create');

    const invalid = await runCli(['memory', 'add', 'x', '--type', 'rumour'], served.env);
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toContain('type');
  });
});
