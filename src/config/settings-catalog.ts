import { z } from 'zod';
import { configSchema } from './schema.js';
import { type SettingDocs, settingDocs } from './setting.js';

/** One setting: where it sits in the config, and its docs. */
export interface SettingEntry extends SettingDocs {
  /** Its path in the config file, e.g. `['memory', 'windowMessages']`. */
  path: readonly string[];
  /** The path joined with dots, as errors and the README name it: `memory.windowMessages`. */
  key: string;
}

/** The object inside a group's wrappers (`prefault`, `transform`), or undefined for a leaf. */
function groupShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  if (schema instanceof z.ZodObject) return schema.shape as Record<string, z.ZodType>;
  if (schema instanceof z.ZodPrefault || schema instanceof z.ZodDefault || schema instanceof z.ZodOptional) {
    return groupShape(schema.unwrap() as z.ZodType);
  }
  if (schema instanceof z.ZodPipe) return groupShape(schema.in as z.ZodType);
  return undefined;
}

function collect(shape: Record<string, z.ZodType>, parent: readonly string[], into: SettingEntry[]): void {
  for (const [name, schema] of Object.entries(shape)) {
    const path = [...parent, name];
    const docs = settingDocs.get(schema);
    if (docs) {
      into.push({ ...docs, path, key: path.join('.') });
      continue;
    }
    const inner = groupShape(schema);
    if (!inner) throw new Error(`config setting ${path.join('.')} has no docs (wrap it in setting())`);
    collect(inner, path, into);
  }
}

function buildCatalog(): readonly SettingEntry[] {
  const entries: SettingEntry[] = [];
  collect(configSchema.shape, [], entries);
  return Object.freeze(entries);
}

/** Every setting, in schema order. */
export const settingsCatalog: readonly SettingEntry[] = buildCatalog();

/** The keys of the group at `path` (`[]`: the top level), or undefined when it is not a group. */
export function groupKeys(path: readonly string[]): string[] | undefined {
  let shape: Record<string, z.ZodType> | undefined = configSchema.shape;
  for (const name of path) {
    const child: z.ZodType | undefined = shape?.[name];
    shape = child === undefined || settingDocs.has(child) ? undefined : groupShape(child);
  }
  return shape ? Object.keys(shape) : undefined;
}

/**
 * Environment variables that are not settings but that Colony reads: the CLI's client options
 * and the config file's location. They are never reported as unknown.
 */
export const otherEnvironmentNames: ReadonlyArray<{ env: string; flag?: string; meaning: string }> = [
  {
    env: 'COLONY_CONFIG',
    flag: '--config',
    meaning: 'the config file (default `colony.config.json|yaml|yml` in the working directory)',
  },
  {
    env: 'COLONY_URL',
    flag: '--url',
    meaning: 'where CLI client commands connect (default the configured host and port)',
  },
  {
    env: 'COLONY_API_KEY',
    flag: '--key',
    meaning: 'the API key of CLI client commands (default the one in `<data dir>/admin-key`)',
  },
  { env: 'COLONY_DEBUG', meaning: 'the CLI prints the stack of an internal error' },
];
