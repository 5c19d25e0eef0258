import { describe, expect, it } from 'vitest';
import { createResponseChecker, type OpenApiDocument } from './openapi-responses.js';

const json = (schema: Record<string, unknown>) => ({ content: { 'application/json': { schema } } });

const document: OpenApiDocument = {
  openapi: '3.1.0',
  components: {
    schemas: {
      Error: {
        type: 'object',
        properties: { error: { type: 'object', properties: { code: { type: 'string' } } } },
        required: ['error'],
      },
      Thing: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      ThingDetail: {
        allOf: [
          { $ref: '#/components/schemas/Thing' },
          { type: 'object', properties: { parts: { type: 'array', items: { type: 'string' } } } },
        ],
      },
    },
  },
  paths: {
    '/things/{id}': {
      get: {
        responses: {
          200: json({ $ref: '#/components/schemas/ThingDetail' }),
          404: json({ $ref: '#/components/schemas/Error' }),
        },
      },
      delete: { responses: { 204: {} } },
    },
    '/things/latest': {
      get: {
        responses: {
          200: json({
            type: 'object',
            properties: { thing: { anyOf: [{ $ref: '#/components/schemas/Thing' }, { type: 'null' }] } },
          }),
        },
      },
    },
    '/events': {
      get: { responses: { 200: { content: { 'text/event-stream': { schema: { type: 'string' } } } } } },
    },
  },
};

const respond = (body: unknown, status = 200, type = 'application/json') =>
  new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': type },
  });

describe('createResponseChecker', () => {
  const checker = createResponseChecker(document);

  it('accepts a body that matches, properties of every allOf member included', async () => {
    expect(await checker.check('GET', '/things/t1', respond({ id: 't1', parts: ['a'] }))).toEqual([]);
  });

  it('refuses a property the document does not declare, at any depth', async () => {
    const problems = await checker.check('GET', '/things/t1', respond({ id: 't1', extra: 1 }));
    expect(problems).toEqual([expect.stringContaining('"unevaluatedProperty":"extra"')]);
    const nested = await checker.check('GET', '/things/latest', respond({ thing: { id: 't', extra: 1 } }));
    expect(nested.join()).toContain('"unevaluatedProperty":"extra"');
  });

  it('refuses a status the operation does not list, and a wrong type', async () => {
    expect(await checker.check('GET', '/things/t1', respond({ error: {} }, 409))).toEqual([
      'GET /things/{id} answered 409, which the document does not list',
    ]);
    expect((await checker.check('GET', '/things/t1', respond({ id: 5 }))).join()).toContain(
      '/id: must be string',
    );
  });

  it('matches static paths before templates, and takes null where a nullable $ref is declared', async () => {
    expect(await checker.check('GET', '/things/latest?x=1', respond({ thing: null }))).toEqual([]);
  });

  it('checks that 204 has no body, and does not read streams', async () => {
    expect(await checker.check('DELETE', '/things/t1', new Response(null, { status: 204 }))).toEqual([]);
    const stream = respond('data: x\n\n', 200, 'text/event-stream');
    expect(await checker.check('GET', '/events', stream)).toEqual([]);
    expect(stream.bodyUsed).toBe(false);
  });

  it('holds unknown routes to the error body', async () => {
    expect(await checker.check('GET', '/nothing', respond({ error: { code: 'not_found' } }, 404))).toEqual(
      [],
    );
    expect(await checker.check('GET', '/nothing', respond({ ok: true }, 200))).toEqual([
      'GET /nothing is not in the document but answered 200',
    ]);
  });
});
