import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

describe('colony memory import', { timeout: 90_000 }, () => {
  it('imports a JSON Lines file in batches with progress, and a rerun stores nothing twice', async () => {
    const file = join(served.dataDir, 'notes.jsonl');
    const lines = Array.from({ length: 25 }, (_, index) =>
      JSON.stringify({
        content: `Imported note ${index} about the orchard`,
        occurredAt: Date.UTC(2023, 4, 1 + (index % 28)),
        source: `notes.jsonl:${index + 1}`,
        ...(index === 0 ? { scope: 'org', tags: ['orchard'] } : {}),
      }),
    );
    writeFileSync(file, `${lines.join('\n')}\n\n${lines[3]}\n`);
    const first = await runCli(
      ['memory', 'import', file, '--batch', '10', '--scope', 'org', '--json'],
      served.env,
    );
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ created: 25, duplicates: 1, batches: 3 });
    expect(first.stderr).toContain('line 10: 10 created, 0 duplicates');
    const again = await runCli(
      ['memory', 'import', file, '--batch', '10', '--scope', 'org', '--json'],
      served.env,
    );
    expect(JSON.parse(again.stdout)).toMatchObject({ created: 25, duplicates: 1 });
    const search = await runCli(['memory', 'search', 'orchard note 7', '--json'], served.env);
    const hits = (JSON.parse(search.stdout) as { hits: Array<{ memory: { content: string } }> }).hits;
    expect(hits.filter((hit) => hit.memory.content === 'Imported note 7 about the orchard')).toHaveLength(1);

    writeFileSync(file, `${lines[0]}\n{"content": ""}\nnot json\n`);
    const broken = await runCli(['memory', 'import', file], served.env);
    expect(broken.code).not.toBe(0);
    expect(broken.stderr).toContain(':3: not a JSON object');
    writeFileSync(file, `${lines[0]}\n{"content": ""}\n`);
    const invalid = await runCli(['memory', 'import', file], served.env);
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toContain('items.1.content');
    expect(invalid.stderr).toContain('lines 1–2 were not imported');
  });
});
