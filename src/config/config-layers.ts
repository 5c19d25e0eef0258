import { groupKeys, settingsCatalog } from './settings-catalog.js';
import { isPlainObject } from './unknown-settings.js';

export type Layer = Record<string, unknown>;

function setAt(target: Layer, path: readonly string[], value: unknown): void {
  let node = target;
  for (const name of path.slice(0, -1)) {
    const child = node[name];
    node[name] = isPlainObject(child) ? child : {};
    node = node[name] as Layer;
  }
  const last = path.at(-1);
  if (last !== undefined) node[last] = value;
}

/**
 * The settings the environment sets, as a config-shaped object, and which variable set each
 * (by setting key). Values are trimmed; an empty variable counts as unset.
 */
export function environmentLayer(env: NodeJS.ProcessEnv): { layer: Layer; sources: Map<string, string> } {
  const layer: Layer = {};
  const sources = new Map<string, string>();
  for (const entry of settingsCatalog) {
    const value = env[entry.env]?.trim();
    if (value === undefined || value === '') continue;
    setAt(layer, entry.path, value);
    sources.set(entry.key, entry.env);
  }
  return { layer, sources };
}

/**
 * `over` on top of `base`: groups (`memory`, `tools.http`, …) merge key by key, a setting's value
 * is replaced whole (a list or the price table included); `undefined` leaves the value below.
 */
export function mergeLayers(base: Layer, over: Layer, path: readonly string[] = []): Layer {
  const merged: Layer = { ...base };
  for (const [name, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const childPath = [...path, name];
    const below = merged[name];
    merged[name] =
      isPlainObject(value) && isPlainObject(below) && groupKeys(childPath) !== undefined
        ? mergeLayers(below, value, childPath)
        : value;
  }
  return merged;
}

/** The setting keys `layer` gives a value, e.g. `['port', 'memory.windowMessages']`. */
export function keysOf(layer: Layer, path: readonly string[] = []): string[] {
  return Object.entries(layer).flatMap(([name, value]) => {
    if (value === undefined) return [];
    const childPath = [...path, name];
    return isPlainObject(value) && groupKeys(childPath) !== undefined
      ? keysOf(value, childPath)
      : [childPath.join('.')];
  });
}

/** Freezes `value` and everything inside it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
