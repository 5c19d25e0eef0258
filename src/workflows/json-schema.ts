import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { ColonyError, coerceError, invalidInput } from '../errors/index.js';

const ajv = new Ajv2020({ allErrors: false, strict: false, validateFormats: false });
const cache = new Map<string, ValidateFunction>();

function compile(schema: Record<string, unknown>, path: string): ValidateFunction {
  const key = JSON.stringify(schema);
  const cached = cache.get(key);
  if (cached) return cached;
  try {
    const validate = ajv.compile(schema);
    if (cache.size > 1000) cache.clear();
    cache.set(key, validate);
    return validate;
  } catch (error) {
    throw invalidInput(path, `not a valid JSON Schema: ${coerceError(error).message}`);
  }
}

/** Throws `invalid_input` naming `path` when `schema` is not a JSON Schema ajv can compile. */
export function checkJsonSchema(schema: Record<string, unknown>, path: string): void {
  compile(schema, path);
}

/** Throws `invalid_input` naming the offending field (`input.items.0.price`) when `value` does not match. */
export function validateAgainst(schema: Record<string, unknown>, value: unknown, path: string): void {
  const validate = compile(schema, path);
  if (validate(value)) return;
  const error = validate.errors?.[0];
  const at = [path, ...(error?.instancePath.split('/').filter(Boolean) ?? [])].join('.');
  const message = error?.message ?? 'does not match its schema';
  throw new ColonyError('invalid_input', `${at}: ${message}`, { fields: [{ path: at, message }] });
}
