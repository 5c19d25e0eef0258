import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { createHttpHarness, type HttpHarness } from './test-support/http-harness.js';
import {
  createResponseChecker,
  type OpenApiDocument,
  type OpenApiOperation,
  operationsOf,
} from './test-support/openapi-responses.js';

const publicPaths = ['/healthz', '/readyz', '/metrics', '/openapi.json'];
const errorRef = { $ref: '#/components/schemas/Error' };
/** The OpenAI-compatible routes answer errors in OpenAI's shape (which keeps Colony's `code`). */
const openAiErrorRef = { $ref: '#/components/schemas/OpenAiError' };

/** Every operation as `[METHOD /path, operation]`. */
function namedOperations(document: OpenApiDocument): Array<[string, OpenApiOperation]> {
  return operationsOf(document).map(({ method, path, operation }) => [
    `${method.toUpperCase()} ${path}`,
    operation,
  ]);
}

/** Every `allOf` member that allows `null`: no value can satisfy such an `allOf` with a `$ref`. */
function nullableAllOfMembers(node: unknown, path: string, found: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const [index, item] of node.entries()) nullableAllOfMembers(item, `${path}/${index}`, found);
  }
  if (typeof node !== 'object' || node === null) return found;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'allOf' && Array.isArray(value)) {
      const allowsNull = value.some(
        (member: { type?: unknown }) =>
          member.type === 'null' || (Array.isArray(member.type) && member.type.includes('null')),
      );
      if (allowsNull) found.push(path);
    }
    nullableAllOfMembers(value, `${path}/${key}`, found);
  }
  return found;
}

describe('the OpenAPI document', () => {
  let harness: HttpHarness;
  let document: OpenApiDocument;
  beforeAll(async () => {
    harness = await createHttpHarness('sqlite');
    document = (await (
      await harness.request('GET', '/openapi.json', { key: null })
    ).json()) as OpenApiDocument;
  });
  afterAll(async () => {
    await harness.close();
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document) as unknown as Record<string, unknown>);
    expect(result.errors).toBe(undefined);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('gives every operation a unique camelCase operationId', () => {
    const ids = namedOperations(document).map(([name, operation]) => [name, operation.operationId] as const);
    for (const [name, id] of ids)
      expect({ name, id }).toEqual({ name, id: expect.stringMatching(/^[a-z][a-zA-Z0-9]+$/) });
    expect(new Set(ids.map(([, id]) => id)).size).toBe(ids.length);
  });

  it('names its servers: relative by default, the public URL when configured', async () => {
    expect(document.servers).toEqual([{ url: '/', description: expect.any(String) }]);
    const services = harness.colony.services;
    const app = createApp({
      ...services,
      config: { ...services.config, publicUrl: 'https://colony.example.com' },
    });
    const configured = (await (await app.request('/openapi.json')).json()) as OpenApiDocument;
    expect(configured.servers).toEqual([
      { url: 'https://colony.example.com', description: expect.any(String) },
    ]);
  });

  it('marks the public routes `security: []` and every /v1 route Bearer', () => {
    for (const [name, operation] of namedOperations(document)) {
      const path = name.split(' ')[1] ?? '';
      const expected = publicPaths.includes(path) ? [] : [{ Bearer: [] }];
      expect({ name, security: operation.security }).toEqual({ name, security: expected });
    }
    expect(namedOperations(document).map(([name]) => name.split(' ')[1])).toEqual(
      expect.arrayContaining(publicPaths),
    );
  });

  it('documents the error body of every status a /v1 route can answer', () => {
    for (const [name, operation] of namedOperations(document)) {
      if (!name.includes(' /v1/')) continue;
      const statuses = ['400', '401', '403', '404', '429', '500', '503'];
      if (operation.requestBody) statuses.push('413', '415');
      for (const status of statuses) {
        expect({
          name,
          status,
          schema: operation.responses[status]?.content?.['application/json']?.schema,
        }).toEqual({ name, status, schema: operation.tags?.includes('openai') ? openAiErrorRef : errorRef });
      }
    }
  });

  it('types no path or query parameter nullable (a URL cannot carry null)', () => {
    for (const [name, operation] of namedOperations(document)) {
      for (const parameter of operation.parameters ?? []) {
        expect({ name, parameter: parameter.name, type: parameter.schema?.type }).not.toEqual({
          name,
          parameter: parameter.name,
          type: expect.arrayContaining(['null']),
        });
      }
    }
  });

  it('types nullable fields so that null validates (no allOf of a $ref and a nullable type)', () => {
    expect(nullableAllOfMembers(document, '#')).toEqual([]);
    const checker = createResponseChecker(document);
    expect(() => checker.compileAll()).not.toThrow();
  });
});
