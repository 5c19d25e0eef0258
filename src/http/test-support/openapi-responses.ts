import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';

type Json = Record<string, unknown>;

export interface OpenApiOperation {
  operationId?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  requestBody?: { required?: boolean; content: Record<string, { schema?: Json }> };
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: Json }>;
  responses: Record<string, { content?: Record<string, { schema?: Json }> }>;
}

export interface OpenApiDocument {
  openapi: string;
  servers?: Array<{ url: string }>;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, Json> };
}

const componentsId = 'urn:colony:openapi-components';

/** Every operation of the document: `method` lower-case as the document writes it, `path` a template. */
export function operationsOf(
  document: OpenApiDocument,
): Array<{ method: string; path: string; operation: OpenApiOperation }> {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({ method, path, operation })),
  );
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Makes every object schema refuse properties it does not declare (`unevaluatedProperties: false`,
 * which sees through `$ref` and `allOf`), so a response field missing from the document fails.
 * Not on component roots (their `$ref` sites carry it) nor on `allOf` members (their parent does:
 * a member closed on its own would refuse its siblings' properties).
 */
function closeObjects(schema: unknown, closeHere: boolean): void {
  if (Array.isArray(schema)) {
    for (const item of schema) closeObjects(item, closeHere);
    return;
  }
  if (!isObject(schema)) return;
  const composite =
    schema.properties !== undefined || schema.$ref !== undefined || schema.allOf !== undefined;
  if (
    closeHere &&
    composite &&
    schema.additionalProperties === undefined &&
    schema.unevaluatedProperties === undefined
  ) {
    schema.unevaluatedProperties = false;
  }
  if (isObject(schema.properties))
    for (const value of Object.values(schema.properties)) closeObjects(value, true);
  for (const key of ['items', 'additionalProperties', 'anyOf', 'oneOf', 'prefixItems'] as const) {
    closeObjects(schema[key], true);
  }
  closeObjects(schema.allOf, false);
}

/** Points local component refs at the components schema added to Ajv under `componentsId`. */
function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (!isObject(node)) return node;
  const result: Json = {};
  for (const [key, value] of Object.entries(node)) {
    result[key] =
      key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')
        ? `${componentsId}#/$defs/${value.slice('#/components/schemas/'.length)}`
        : rewriteRefs(value);
  }
  return result;
}

/** A `{id}` template as a pattern; static paths sort first (`/search` before `/{id}`). */
function pathMatchers(document: OpenApiDocument) {
  return Object.keys(document.paths)
    .map((template) => ({
      template,
      params: (template.match(/\{/g) ?? []).length,
      pattern: new RegExp(`^${template.replaceAll(/\{[^}]+\}/g, '[^/]+')}$`),
    }))
    .sort((left, right) => left.params - right.params);
}

export interface ResponseChecker {
  /** Compiles every response schema of the document (fails on one Ajv cannot compile). */
  compileAll(): void;
  /** What is wrong with this response to `method path`; empty when it matches the document. */
  check(method: string, path: string, response: Response): Promise<string[]>;
}

/**
 * Validates live responses against an OpenAPI 3.1 document with Ajv's JSON Schema 2020-12 (the
 * dialect of OpenAPI 3.1): the status must be documented for the operation, the body must match
 * the schema of its media type, and objects may carry no undeclared property.
 */
export function createResponseChecker(document: OpenApiDocument): ResponseChecker {
  const ajv = new Ajv2020({ allErrors: true, strictTypes: false, strictTuples: false });
  formats.default(ajv);
  ajv.addVocabulary(['example', 'discriminator', 'xml', 'externalDocs']);
  const components = structuredClone(document.components?.schemas ?? {});
  for (const schema of Object.values(components)) closeObjects(schema, false);
  ajv.addSchema({ $id: componentsId, $defs: rewriteRefs(components) });
  const matchers = pathMatchers(document);
  const validators = new Map<string, ValidateFunction>();

  const validatorOf = (key: string, schema: Json): ValidateFunction => {
    let validate = validators.get(key);
    if (!validate) {
      const copy = structuredClone(schema);
      closeObjects(copy, true);
      validate = ajv.compile(rewriteRefs(copy) as Json);
      validators.set(key, validate);
    }
    return validate;
  };
  const errorSchema = { $ref: '#/components/schemas/Error' };

  return {
    compileAll() {
      for (const { method, path, operation } of operationsOf(document)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          for (const [mediaType, content] of Object.entries(response.content ?? {})) {
            if (content.schema) validatorOf(`${method} ${path} ${status} ${mediaType}`, content.schema);
          }
        }
      }
    },
    async check(method, path, response) {
      const pathname = path.split('?')[0] ?? path;
      const template = matchers.find((matcher) => matcher.pattern.test(pathname))?.template;
      const operation = template ? document.paths[template]?.[method.toLowerCase()] : undefined;
      const name = `${method.toUpperCase()} ${template ?? pathname}`;
      const mediaType = (response.headers.get('Content-Type') ?? '').split(';')[0]?.trim() ?? '';
      let schema: Json | undefined;
      if (!operation) {
        // An unknown route or method: only the error body is promised.
        if (response.status < 400) return [`${name} is not in the document but answered ${response.status}`];
        schema = errorSchema;
      } else {
        const documented = operation.responses[String(response.status)];
        if (!documented) return [`${name} answered ${response.status}, which the document does not list`];
        if (response.status === 204 || !documented.content) {
          const body = await response.clone().text();
          return body === '' ? [] : [`${name} ${response.status} has a body the document does not describe`];
        }
        const content = documented.content[mediaType];
        if (!content) {
          return [
            `${name} ${response.status} answered ${mediaType || 'no Content-Type'}, not a documented type`,
          ];
        }
        if (mediaType !== 'application/json') return []; // streams and text are not read here
        schema = content.schema;
      }
      if (!schema) return [];
      const text = await response.clone().text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return [`${name} ${response.status} is not JSON: ${text.slice(0, 200)}`];
      }
      const validate = validatorOf(
        `${method.toLowerCase()} ${template} ${response.status} ${mediaType}`,
        schema,
      );
      if (validate(body)) return [];
      return (validate.errors ?? []).map(
        (error) =>
          `${name} ${response.status} ${error.instancePath || '(body)'}: ${error.message ?? error.keyword} ${JSON.stringify(error.params)}`,
      );
    },
  };
}
