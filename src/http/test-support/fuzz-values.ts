import fc from 'fast-check';

type Json = Record<string, unknown>;

/** The text a JSON body carries in place of `deepMarker(levels)`: arrays nested `levels` deep. */
const deepPrefix = '\u0001deep:';

export function deepMarker(levels: number): string {
  return `${deepPrefix}${levels}`;
}

/**
 * `JSON.stringify(value)`, with every deep marker replaced by its nesting: a body 100,000 levels
 * deep cannot be built as a value and stringified (that would overflow the stack here).
 */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value).replaceAll(/"\\u0001deep:(\d+)"/g, (_marker, levels: string) => {
    const count = Number(levels);
    return `${'['.repeat(count)}${']'.repeat(count)}`;
  });
}

/** A short string with a NUL or a lone surrogate somewhere in it. */
const hostileString = fc
  .tuple(
    fc.string({ maxLength: 6 }),
    fc.constantFrom('\u0000', '\uD800', '\uDBFF', '\uDC00'),
    fc.string({ maxLength: 6 }),
  )
  .map((parts) => parts.join(''));

/** Strings a client should not send, and a few it may: NUL, lone surrogates, huge, empty, odd. */
export const oddString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({ unit: 'grapheme', maxLength: 24 }),
  fc.constantFrom(
    '',
    ' ',
    'a\u0000b',
    '\u0000',
    'lone \uD800 high',
    'lone \uDC00 low',
    '👋',
    '../../etc/passwd',
    '%',
    '%00',
    '-1',
    '0',
    '1e400',
    'NaN',
    'null',
    'true',
    "' or 1=1 --",
    'x'.repeat(201),
  ),
  fc.constant('y'.repeat(100_000)),
);

/** Values of any type where a field expects one: wrong types, extremes, deep nesting. */
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  oddString,
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, true, false, -1, 0, 0.5, -0.5, 1e308, -1e308, 2 ** 53, 2 ** 63, -(2 ** 63), [], {}),
  fc.constantFrom(deepMarker(65), deepMarker(1000), deepMarker(100_000)),
  fc.array(oddString, { maxLength: 3 }),
  fc.dictionary(oddString, oddString, { maxKeys: 3 }),
);

export interface ValueContext {
  components: Record<string, Json>;
  /** Ids of real resources, offered where a field names one. */
  ids: readonly string[];
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `schema` with a component `$ref` followed; `{}` for anything that is not a schema object. */
export function resolve(schema: unknown, components: Record<string, Json>): Json {
  if (!isObject(schema)) return {};
  if (typeof schema.$ref !== 'string') return schema;
  return resolve(components[schema.$ref.replace('#/components/schemas/', '')], components);
}

const idLike = /(^agent$|^agents$|Id$|Ids$|^dependsOn$|^id$)/;

function stringOf(schema: Json, name: string, context: ValueContext): fc.Arbitrary<string> {
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const maxLength = Math.min(typeof schema.maxLength === 'number' ? schema.maxLength : 40, 40);
  const plain =
    typeof schema.pattern === 'string'
      ? fc
          .stringMatching(new RegExp(schema.pattern))
          .filter((text) => text.length >= minLength && text.length <= maxLength)
      : fc.string({ minLength, maxLength: Math.max(minLength, maxLength) });
  return idLike.test(name) && context.ids.length > 0
    ? fc.oneof(fc.constantFrom(...context.ids), plain)
    : plain;
}

/**
 * Values that mostly satisfy `schema` (the subset of JSON Schema zod-to-openapi writes): the
 * starting point that mutations then break. Past `depth` 4, or for a schema it does not know, any
 * small JSON value.
 */
export function schemaValue(
  schema: unknown,
  context: ValueContext,
  name = '',
  depth = 0,
): fc.Arbitrary<unknown> {
  if (!isObject(schema) || depth > 4) return fc.jsonValue({ maxDepth: 2 });
  if (typeof schema.$ref === 'string')
    return schemaValue(resolve(schema, context.components), context, name, depth + 1);
  if (Array.isArray(schema.enum) && schema.enum.length > 0)
    return fc.constantFrom(...(schema.enum as unknown[]));
  const choices = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (Array.isArray(choices))
    return fc.oneof(...choices.map((choice) => schemaValue(choice, context, name, depth + 1)));
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type];
  const arbitraries = types.flatMap((type): Array<fc.Arbitrary<unknown>> => {
    const minimum = typeof schema.minimum === 'number' ? schema.minimum : -1000;
    const maximum = typeof schema.maximum === 'number' ? schema.maximum : 1_000_000;
    switch (type) {
      case 'string':
        return [stringOf(schema, name, context)];
      case 'integer':
        return [fc.integer({ min: Math.ceil(minimum), max: Math.floor(maximum) })];
      case 'number':
        return [fc.double({ min: minimum, max: maximum, noNaN: true, noDefaultInfinity: true })];
      case 'boolean':
        return [fc.boolean()];
      case 'null':
        return [fc.constant(null)];
      case 'array': {
        const maxLength = Math.min(typeof schema.maxItems === 'number' ? schema.maxItems : 3, 3);
        const minLength = Math.min(typeof schema.minItems === 'number' ? schema.minItems : 0, maxLength);
        return [fc.array(schemaValue(schema.items, context, name, depth + 1), { minLength, maxLength })];
      }
      case 'object':
        return [objectOf(schema, context, depth)];
      default:
        return [];
    }
  });
  return arbitraries.length > 0 ? fc.oneof(...arbitraries) : fc.jsonValue({ maxDepth: 2 });
}

function objectOf(schema: Json, context: ValueContext, depth: number): fc.Arbitrary<unknown> {
  const properties = isObject(schema.properties) ? schema.properties : {};
  if (Object.keys(properties).length === 0) {
    return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
  }
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  const model = Object.fromEntries(
    Object.entries(properties).map(([key, value]) => [key, schemaValue(value, context, key, depth + 1)]),
  );
  return fc.record(model, { requiredKeys: required.filter((key) => key in model) });
}
