import { configDefaults } from './config-defaults.js';
import { otherEnvironmentNames, type SettingEntry, settingsCatalog } from './settings-catalog.js';

/** The lines that enclose the generated tables in README.md. */
export const configTableMarkers = {
  start: '<!-- config-table:start (generated from src/config/ by `npm run docs:config`; do not edit) -->',
  end: '<!-- config-table:end -->',
} as const;

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function code(text: string): string {
  return `\`${text}\``;
}

/** The value at `path` inside `root` (a config), or undefined. */
export function valueAt(root: unknown, path: readonly string[]): unknown {
  let value = root;
  for (const name of path) {
    value =
      value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;
  }
  return value;
}

/** The "default" cell: the entry's own words, or the schema's default value. */
export function formatDefault(entry: SettingEntry): string {
  if (entry.defaultText !== undefined) return entry.defaultText;
  const value = valueAt(configDefaults, entry.path);
  if (value === undefined || value === null) return '—';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : code(value.join(','));
  return typeof value === 'object' ? code(JSON.stringify(value)) : code(String(value));
}

/** The README's configuration tables: every setting, then the other variables Colony reads. */
export function renderConfigTable(): string {
  const settings = settingsCatalog.map((entry) =>
    [
      code(entry.key),
      code(entry.env),
      entry.flag === undefined ? '—' : code(entry.flag),
      formatDefault(entry),
      entry.meaning,
    ]
      .map(cell)
      .join(' | '),
  );
  const others = otherEnvironmentNames.map((entry) =>
    [code(entry.env), entry.flag === undefined ? '—' : code(entry.flag), entry.meaning].map(cell).join(' | '),
  );
  return [
    configTableMarkers.start,
    '| setting (file key) | environment | flag | default | meaning |',
    '| --- | --- | --- | --- | --- |',
    ...settings.map((row) => `| ${row} |`),
    '',
    "Other variables Colony reads; they, and the test harness's `COLONY_TEST_*`, are never reported as unknown:",
    '',
    '| environment | flag | meaning |',
    '| --- | --- | --- |',
    ...others.map((row) => `| ${row} |`),
    configTableMarkers.end,
  ].join('\n');
}

/** `readme` with its generated section replaced by the current tables. */
export function updateConfigSection(readme: string): string {
  const start = readme.indexOf(configTableMarkers.start);
  const end = readme.indexOf(configTableMarkers.end);
  if (start === -1 || end < start) {
    throw new Error(`README.md has no ${configTableMarkers.start} … ${configTableMarkers.end} section`);
  }
  return `${readme.slice(0, start)}${renderConfigTable()}${readme.slice(end + configTableMarkers.end.length)}`;
}
