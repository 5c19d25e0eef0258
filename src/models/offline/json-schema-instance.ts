type Schema = Record<string, unknown>;

const maximumDepth = 12;

const formatExamples: Record<string, string> = {
  'date-time': '1970-01-01T00:00:00.000Z',
  date: '1970-01-01',
  time: '00:00:00',
  email: 'offline@example.com',
  uri: 'https://example.com/',
  url: 'https://example.com/',
  uuid: '00000000-0000-4000-8000-000000000000',
};

function asSchema(value: unknown): Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Schema) : {};
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function resolveReference(root: Schema, reference: string): Schema {
  if (!reference.startsWith('#')) return {};
  const path = reference.slice(1).split('/').filter(Boolean);
  let current: unknown = root;
  for (const segment of path) current = asSchema(current)[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  return asSchema(current);
}

function firstType(schema: Schema): string | undefined {
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.find((entry) => entry !== 'null') ?? type[0];
  if (schema.properties !== undefined || schema.required !== undefined) return 'object';
  if (schema.items !== undefined || schema.prefixItems !== undefined) return 'array';
  return undefined;
}

function minimalNumber(schema: Schema, integer: boolean): number {
  let value = 0;
  const minimum = numberOrUndefined(schema.minimum);
  const exclusiveMinimum = numberOrUndefined(schema.exclusiveMinimum);
  const maximum = numberOrUndefined(schema.maximum);
  const exclusiveMaximum = numberOrUndefined(schema.exclusiveMaximum);
  if (minimum !== undefined && value < minimum) value = minimum;
  if (exclusiveMinimum !== undefined && value <= exclusiveMinimum) value = exclusiveMinimum + 1;
  if (maximum !== undefined && value > maximum) value = maximum;
  if (exclusiveMaximum !== undefined && value >= exclusiveMaximum) value = exclusiveMaximum - 1;
  return integer ? Math.ceil(value) : value;
}

function minimalString(schema: Schema, text: string): string {
  const format = typeof schema.format === 'string' ? formatExamples[schema.format] : undefined;
  let value = format ?? (text === '' ? 'offline' : text);
  const maxLength = numberOrUndefined(schema.maxLength);
  const minLength = numberOrUndefined(schema.minLength) ?? 0;
  if (maxLength !== undefined) value = value.slice(0, maxLength);
  while (value.length < minLength) value += ' ';
  return value;
}

function instanceOf(schema: Schema, root: Schema, text: string, depth: number): unknown {
  if (depth > maximumDepth) return null;
  if (typeof schema.$ref === 'string') {
    return instanceOf(resolveReference(root, schema.$ref), root, text, depth + 1);
  }
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0] ?? null;
  if ('default' in schema) return schema.default;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches) && branches.length > 0) {
      const preferred = branches.find((branch) => asSchema(branch).type !== 'null') ?? branches[0];
      return instanceOf(asSchema(preferred), root, text, depth + 1);
    }
  }
  if (Array.isArray(schema.allOf)) {
    const parts = schema.allOf.map((part) => instanceOf(asSchema(part), root, text, depth + 1));
    return Object.assign({}, ...parts.filter((part) => typeof part === 'object' && part !== null));
  }
  switch (firstType(schema)) {
    case 'object': {
      const properties = asSchema(schema.properties);
      const required = Array.isArray(schema.required) ? schema.required.map(String) : [];
      return Object.fromEntries(
        required.map((key) => [key, instanceOf(asSchema(properties[key]), root, text, depth + 1)]),
      );
    }
    case 'array': {
      const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : [];
      const count = Math.max(numberOrUndefined(schema.minItems) ?? 0, prefix.length);
      return Array.from({ length: count }, (_, index) =>
        instanceOf(asSchema(prefix[index] ?? schema.items), root, text, depth + 1),
      );
    }
    case 'string':
      return minimalString(schema, text);
    case 'integer':
      return minimalNumber(schema, true);
    case 'number':
      return minimalNumber(schema, false);
    case 'boolean':
      return false;
    default:
      return null;
  }
}

/**
 * A small valid instance of a JSON schema, for the offline model's structured output: required
 * properties only, strings from `text` (or a fixed example for known formats), numbers 0 moved into
 * their bounds, booleans false, arrays with `minItems` elements, the first `enum` value, `const` and
 * `default` as given, the first non-null branch of `anyOf`/`oneOf`, and local `$ref`s followed.
 * `pattern` and other advanced keywords are not honoured.
 *
 * @example
 * minimalInstance({ type: 'object', properties: { title: { type: 'string' } }, required: ['title'] }, 'hi');
 * // { title: 'hi' }
 */
export function minimalInstance(schema: unknown, text: string): unknown {
  const root = asSchema(schema);
  return instanceOf(root, root, text, 0);
}
