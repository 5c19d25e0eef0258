import { z } from 'zod';

/** What the README's configuration table says about a setting, kept beside its schema. */
export interface SettingDocs {
  /** The environment variable that sets it (`COLONY_…`, or a provider's conventional name). */
  env: string;
  /** The CLI flag that sets it, when there is one. */
  flag?: string;
  /** One line for the table's "meaning" column. */
  meaning: string;
  /** Shown instead of the schema's default when the bare value would not say enough. */
  defaultText?: string;
}

/** The docs of every setting, keyed by its schema (the leaves of `configSchema`). */
export const settingDocs = z.registry<SettingDocs>();

/**
 * Marks `schema` as one setting and records its docs: a setting needs an environment name and a
 * meaning, so the catalog (settings-catalog.ts) and the README table cannot miss one.
 *
 * @example
 * const port = setting(z.coerce.number().int().default(7700), { env: 'COLONY_PORT', meaning: 'listen port' });
 */
export function setting<T extends z.ZodType>(schema: T, docs: SettingDocs): T {
  settingDocs.add(schema as z.ZodType, docs);
  return schema;
}

/** `true`/`false`/`1`/`0` (environment) or a boolean (file, flags). */
export const booleanish = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0'])])
  .transform((value) => value === true || value === 'true' || value === '1');

/** A list from the file (`[a, b]`) or a comma-separated string (`a, b`) from the environment. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (value) =>
      typeof value === 'string'
        ? value
            .split(',')
            .map((entry) => entry.trim())
            .filter((entry) => entry !== '')
        : value,
    z.array(item),
  );
}

/** An object from the file, or its JSON text from the environment. */
export function jsonOr<T extends z.ZodType>(schema: T) {
  return z.preprocess((value, context) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      context.addIssue({ code: 'custom', message: 'not valid JSON' });
      return z.NEVER;
    }
  }, schema);
}
