import fc from 'fast-check';
import {
  deepMarker,
  oddString,
  oddValue,
  resolve,
  schemaValue,
  toJsonText,
  type ValueContext,
} from './fuzz-values.js';
import type { OpenApiOperation } from './openapi-responses.js';

export interface FuzzRequest {
  method: string;
  path: string;
  body?: string;
  /** `null`: the body goes without a Content-Type. */
  contentType: string | null;
  headers: Record<string, string>;
}

export interface FuzzContext extends ValueContext {
  /** Ids of real resources by the path segment that names their kind (`agents`, `chats`, …). */
  idsByKind: Record<string, readonly string[]>;
  /** Bodies known to be accepted, by operationId: mutations start from them as often as not. */
  examples: Record<string, readonly unknown[]>;
}

/**
 * Percent-encodes a path segment or query value. A lone surrogate (which `encodeURIComponent`
 * refuses) becomes the bytes UTF-8 would give it, which are not valid UTF-8: odd input too.
 */
function encode(text: string): string {
  let result = '';
  for (const character of text) {
    const unit = character.charCodeAt(0);
    result +=
      character.length === 1 && unit >= 0xd800 && unit <= 0xdfff
        ? `%ED%${(0xa0 | ((unit >> 6) & 0x1f)).toString(16).toUpperCase()}%${(0x80 | (unit & 0x3f)).toString(16).toUpperCase()}`
        : encodeURIComponent(character);
  }
  return result;
}

const contentTypes = fc.oneof(
  { weight: 12, arbitrary: fc.constant<string | null>('application/json') },
  fc.constantFrom<string | null>(
    null,
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/json; charset=utf-8',
    'application/vnd.colony+json',
    'application/json; charset=latin1',
    'application/xml',
  ),
);

/** Bodies that are not JSON, or JSON no schema expects. */
const oddBodies = fc.constantFrom(
  '',
  '{',
  '{"a":',
  'null',
  '[]',
  '"text"',
  '42',
  '{"a":1}{',
  '\uFEFF{}',
  '{"__proto__":{"polluted":true}}',
  toJsonText({ payload: deepMarker(100_000) }),
  `{"content":"${'z'.repeat(1_100_000)}"}`,
);

type Body = Record<string, unknown>;

const isBody = (value: unknown): value is Body =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `value` with `name` set to `odd` (or `odd` itself when `value` is not an object). */
const withField = (value: unknown, name: string, odd: unknown) =>
  isBody(value) ? { ...value, [name]: odd } : odd;

/** Values a field that takes anything (a payload, `data`) may be given that no database can store. */
const unstorable = fc.oneof(
  fc.constantFrom(deepMarker(65), deepMarker(100_000)),
  oddString,
  fc.dictionary(oddString, fc.constant(1), { minKeys: 1, maxKeys: 2 }),
);

/**
 * A body that mostly fits the operation's schema, then one mutation: a field of the wrong type,
 * hostile or huge; a field that takes anything given what cannot be stored; a required field
 * dropped; an unknown field; or no JSON the schema expects at all.
 */
function bodyOf(schema: unknown, context: FuzzContext, examples: readonly unknown[]): fc.Arbitrary<string> {
  const generated = schemaValue(schema, context);
  const valid = examples.length > 0 ? fc.oneof(fc.constantFrom(...examples), generated) : generated;
  const properties = resolve(schema, context.components).properties;
  const fields = isBody(properties) ? properties : {};
  const names = Object.keys(fields);
  const open = names.filter((name) => {
    const field = resolve(fields[name], context.components);
    return Object.keys(field).length === 0 || field.additionalProperties !== undefined;
  });
  const field = names.length > 0 ? fc.oneof(fc.constantFrom(...names), oddString) : oddString;
  const mutations: Array<fc.Arbitrary<unknown>> = [
    valid,
    fc.tuple(valid, field, oddValue).map(([value, name, odd]) => withField(value, name, odd)),
    fc.tuple(valid, field).map(([value, name]) => {
      if (!isBody(value)) return value;
      const { [name]: _dropped, ...rest } = value;
      return rest;
    }),
    oddValue,
  ];
  if (open.length > 0) {
    mutations.push(
      fc
        .tuple(valid, fc.constantFrom(...open), unstorable)
        .map(([value, name, odd]) => withField(value, name, odd)),
    );
  }
  return fc.oneof({ weight: 6, arbitrary: fc.oneof(...mutations).map(toJsonText) }, oddBodies);
}

function pathOf(template: string, context: FuzzContext): fc.Arbitrary<string> {
  const kind = template.split('/')[2] ?? '';
  const known = context.idsByKind[kind] ?? [];
  const id = known.length > 0 ? fc.oneof(fc.constantFrom(...known), oddString) : oddString;
  const names = [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '');
  if (names.length === 0) return fc.constant(template);
  return fc.array(id, { minLength: names.length, maxLength: names.length }).map((values) => {
    let path = template;
    values.forEach((value, index) => {
      path = path.replace(`{${names[index]}}`, encode(value));
    });
    return path;
  });
}

function queryOf(operation: OpenApiOperation, context: FuzzContext): fc.Arbitrary<string> {
  const declared = (operation.parameters ?? []).filter((parameter) => parameter.in === 'query');
  const value = (schema: unknown, name: string) =>
    fc.oneof(
      {
        weight: 3,
        arbitrary: schemaValue(schema, context, name).map((item) =>
          typeof item === 'string' ? item : JSON.stringify(item),
        ),
      },
      oddString,
    );
  const pairs = fc.tuple(
    ...declared.map((parameter) =>
      fc.option(value(parameter.schema, parameter.name).map((item) => [parameter.name, item])),
    ),
    fc.option(fc.tuple(fc.oneof(oddString, fc.constantFrom('cursor', 'limit', 'lastEventId')), oddString)),
  );
  return pairs.map((items) => {
    const present = items.filter((item): item is [string, string] => item !== null);
    return present.length === 0
      ? ''
      : `?${present.map(([key, item]) => `${encode(key)}=${encode(item)}`).join('&')}`;
  });
}

/** Requests for one operation of the document: valid-ish ones mixed with every kind of bad input. */
export function requestsFor(
  method: string,
  template: string,
  operation: OpenApiOperation,
  context: FuzzContext,
): fc.Arbitrary<FuzzRequest> {
  const upper = method.toUpperCase();
  const declared = operation.requestBody?.content['application/json']?.schema;
  const examples = context.examples[operation.operationId ?? ''] ?? [];
  const body: fc.Arbitrary<string | undefined> =
    upper === 'GET'
      ? fc.constant(undefined)
      : declared
        ? operation.requestBody?.required
          ? bodyOf(declared, context, examples)
          : fc.option(bodyOf(declared, context, examples), { nil: undefined })
        : fc.option(oddBodies, { nil: undefined, freq: 8 });
  const headers = fc.record(
    {
      Accept: fc.constantFrom('application/json', 'text/event-stream', '*/*'),
      'Last-Event-ID': fc.string({ unit: 'grapheme-ascii', maxLength: 12 }),
    },
    { requiredKeys: [] },
  );
  return fc
    .record({
      path: pathOf(template, context),
      query: queryOf(operation, context),
      body,
      contentType: contentTypes,
      headers,
    })
    .map(({ path, query, body: text, contentType, headers: extra }) => ({
      method: upper,
      path: `${path}${query}`,
      ...(text === undefined ? {} : { body: text }),
      contentType,
      headers: { ...extra },
    }));
}
