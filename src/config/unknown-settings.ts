import { closestName } from './closest-name.js';
import { groupKeys, otherEnvironmentNames, settingsCatalog } from './settings-catalog.js';

/** A key of the config file that names no setting, and the setting probably meant. */
export interface UnknownKey {
  key: string;
  suggestion: string | undefined;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A sibling first (`memory.windowMessage` → `memory.windowMessages`), then any setting by its name. */
function suggest(path: readonly string[], name: string, siblings: readonly string[]): string | undefined {
  const sibling = closestName(name, siblings);
  if (sibling !== undefined) return [...path, sibling].join('.');
  const byName = new Map(settingsCatalog.map((entry) => [entry.path.at(-1) ?? entry.key, entry.key]));
  const match = closestName(name, byName.keys());
  return match === undefined ? undefined : byName.get(match);
}

/** Every key of `input` (a config file's object) that is no setting or group, at any depth. */
export function findUnknownKeys(input: Record<string, unknown>, path: readonly string[] = []): UnknownKey[] {
  const known = groupKeys(path) ?? [];
  const unknown: UnknownKey[] = [];
  for (const [name, value] of Object.entries(input)) {
    const childPath = [...path, name];
    if (!known.includes(name)) {
      unknown.push({ key: childPath.join('.'), suggestion: suggest(path, name, known) });
    } else if (isPlainObject(value) && groupKeys(childPath) !== undefined) {
      unknown.push(...findUnknownKeys(value, childPath));
    }
  }
  return unknown;
}

/** How an unknown key reads in an error: `rateLimitPerMinut: unknown setting; did you mean …?` */
export function describeUnknownKey(unknown: UnknownKey): string {
  const hint = unknown.suggestion === undefined ? '' : `; did you mean ${unknown.suggestion}?`;
  return `unknown setting${hint}`;
}

/** The test harness's own variables (`COLONY_TEST_DATABASES`, …), documented under "Tests". */
const testPrefix = 'COLONY_TEST_';

function withoutPrefix(name: string): string {
  return name.startsWith('COLONY_') ? name.slice('COLONY_'.length) : name;
}

/**
 * One warning per `COLONY_*` variable in `env` that Colony does not read, naming the closest
 * known one. Warnings, not errors: the environment is shared with other tools and shells.
 */
export function unknownEnvironmentWarnings(env: NodeJS.ProcessEnv): string[] {
  const known = new Set([
    ...settingsCatalog.map((entry) => entry.env),
    ...otherEnvironmentNames.map((entry) => entry.env),
  ]);
  // Compared without the shared prefix, which would make every short name look alike.
  const candidates = new Map([...known].map((name) => [withoutPrefix(name), name]));
  const warnings: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith('COLONY_') || known.has(name) || name.startsWith(testPrefix)) continue;
    const match = closestName(withoutPrefix(name), candidates.keys());
    const hint = match === undefined ? '' : `; did you mean ${candidates.get(match)}?`;
    warnings.push(`${name}: unknown Colony environment variable, ignored${hint}`);
  }
  return warnings;
}
