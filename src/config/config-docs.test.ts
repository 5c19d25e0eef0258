import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configDefaults } from './config-defaults.js';
import { configTableMarkers, renderConfigTable, valueAt } from './config-table.js';
import { otherEnvironmentNames, settingsCatalog } from './settings-catalog.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

function section(): string {
  const start = readme.indexOf(configTableMarkers.start);
  const end = readme.indexOf(configTableMarkers.end);
  if (start === -1 || end < start) throw new Error('README.md has no generated configuration section');
  return readme.slice(start, end + configTableMarkers.end.length);
}

/** The body rows of the Markdown table whose header starts with `header`, as cells. */
function tableRows(text: string, header: string): string[][] {
  const lines = text.split('\n');
  const first = lines.findIndex((line) => line.startsWith(header));
  if (first === -1) throw new Error(`no table headed ${header}`);
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim().replace(/\\\|/g, '|'));
    rows.push(cells);
  }
  return rows;
}

const unquote = (cell: string) => cell.replace(/^`(.*)`$/, '$1');

describe('the README configuration table', () => {
  const settings = tableRows(section(), '| setting (file key)');
  const byKey = new Map(settings.map((cells) => [unquote(cells[0] ?? ''), cells]));

  it('is up to date with the schema (run `npm run docs:config`)', () => {
    expect(section()).toBe(renderConfigTable());
  });

  it('lists every setting with its environment variable and flag', () => {
    for (const entry of settingsCatalog) {
      const cells = byKey.get(entry.key);
      expect(cells, `${entry.key} is missing from README.md`).toBeDefined();
      expect(unquote(cells?.[1] ?? ''), entry.key).toBe(entry.env);
      expect(cells?.[2], entry.key).toBe(entry.flag === undefined ? '—' : `\`${entry.flag}\``);
    }
  });

  it("shows each setting's default", () => {
    for (const entry of settingsCatalog) {
      const shown = byKey.get(entry.key)?.[3];
      const value = valueAt(configDefaults, entry.path);
      if (entry.defaultText !== undefined) expect(shown, entry.key).toBe(entry.defaultText);
      else if (value === undefined) expect(shown, entry.key).toBe('—');
      else if (Array.isArray(value) || typeof value === 'object') expect(shown, entry.key).not.toBe('—');
      else expect(shown, entry.key).toBe(`\`${String(value)}\``);
    }
  });

  it('names no setting or variable that does not exist', () => {
    const keys = new Set(settingsCatalog.map((entry) => entry.key));
    expect([...byKey.keys()].filter((key) => !keys.has(key))).toEqual([]);
    expect(settings).toHaveLength(settingsCatalog.length);
    const others = tableRows(section(), '| environment | flag | meaning |').map((cells) =>
      unquote(cells[0] ?? ''),
    );
    expect(others).toEqual(otherEnvironmentNames.map((entry) => entry.env));
  });
});
