import { ColonyError } from '../errors/index.js';
import type { ResolvedSecrets } from './secret-resolver.js';

/** `{{secrets.NAME}}`, spaces allowed inside the braces. */
const reference = /\{\{\s*secrets\.([A-Za-z0-9_.-]+)\s*\}\}/g;

/** The secret names `value` references (`{{secrets.NAME}}`), in order, without repeats. */
export function secretReferences(value: string): string[] {
  return [...new Set([...value.matchAll(reference)].map((match) => match[1] ?? ''))];
}

/** Every secret name referenced by the values of `records`. */
export function secretReferencesIn(...records: ReadonlyArray<Readonly<Record<string, string>>>): string[] {
  return [...new Set(records.flatMap((record) => Object.values(record).flatMap(secretReferences)))];
}

/** `text` with each `{{secrets.NAME}}` replaced by its value; every name must be in `secrets`. */
export function fillSecrets(text: string, secrets: ResolvedSecrets): string {
  return text.replace(reference, (_match, name: string) => {
    const value = secrets.values.get(name);
    if (value === undefined) throw new ColonyError('internal', `the secret "${name}" was not resolved`);
    return value;
  });
}

export function fillSecretsIn(
  record: Readonly<Record<string, string>>,
  secrets: ResolvedSecrets,
): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, fillSecrets(value, secrets)]));
}

/** The forms a value takes when a server echoes it: as is, inside a JSON string, URL-encoded. */
function formsOf(value: string): string[] {
  return [...new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)])];
}

/** `text` with every occurrence of a resolved value replaced by `[secret:NAME]`. */
export function redactText(text: string, secrets: ResolvedSecrets): string {
  let redacted = text;
  for (const [name, value] of secrets.values) {
    for (const form of formsOf(value)) redacted = redacted.split(form).join(`[secret:${name}]`);
  }
  return redacted;
}

/**
 * `value` (a tool's output: strings, arrays, plain objects) with every resolved secret value
 * replaced by `[secret:NAME]`, in strings and object keys alike. Run on each output and error
 * before the model, a run step or an event sees it.
 */
export function redactSecrets<T>(value: T, secrets: ResolvedSecrets): T {
  if (secrets.values.size === 0) return value;
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return redactText(item, secrets);
    if (Array.isArray(item)) return item.map(walk);
    if (item !== null && typeof item === 'object') {
      return Object.fromEntries(
        Object.entries(item).map(([key, entry]) => [redactText(key, secrets), walk(entry)]),
      );
    }
    return item;
  };
  return walk(value) as T;
}

/** `error` with its message redacted (a server may echo a value in its error), as a new error of the same code. */
export function redactError(error: Error, secrets: ResolvedSecrets): Error {
  if (secrets.values.size === 0) return error;
  const message = redactText(error.message, secrets);
  if (error instanceof ColonyError) return new ColonyError(error.code, message);
  return new Error(message);
}
