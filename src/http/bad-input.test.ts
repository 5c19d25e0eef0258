import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../storage/test-support/databases.js';
import { maxInputDepth } from './input-guard.js';
import { createHttpHarness, type HttpHarness } from './test-support/http-harness.js';
import { type OpenApiDocument, operationsOf } from './test-support/openapi-responses.js';

/** Every `METHOD /path` of the OpenAPI document that declares a request body, ids filled in. */
async function bodyRoutes(harness: HttpHarness): Promise<Array<[string, string]>> {
  const document = (await (await harness.request('GET', '/openapi.json')).json()) as OpenApiDocument;
  return operationsOf(document)
    .filter(({ operation }) => operation.requestBody !== undefined)
    .map(({ method, path }): [string, string] => [method.toUpperCase(), path.replaceAll('{id}', 'nothing')]);
}

async function errorOf(response: Response): Promise<{ code: string; message: string; details?: unknown }> {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

describe.each(testDialects)('bad input on %s', (dialect) => {
  let harness: HttpHarness;
  beforeAll(async () => {
    harness = await createHttpHarness(dialect);
  });
  afterAll(async () => {
    await harness.close();
  });

  it('answers 415 to a body that is not JSON on every body route, and writes nothing', async () => {
    const routes = await bodyRoutes(harness);
    expect(routes.length).toBeGreaterThanOrEqual(13);
    const before = await harness.rowCounts();
    for (const [method, path] of routes) {
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', null]) {
        const response = await harness.request(method, path, { body: '{"name":"x"}', contentType });
        expect({ method, path, contentType, status: response.status }).toEqual({
          method,
          path,
          contentType,
          status: 415,
        });
        const error = await errorOf(response);
        expect(error.code).toBe('unsupported_media_type');
        expect(error.message).toContain('takes application/json');
      }
    }
    expect(await harness.rowCounts()).toEqual(before);
  });

  it('still takes JSON with a charset, and a body-optional route without any body', async () => {
    const created = await harness.request('POST', '/v1/memories', {
      body: { content: 'charset is fine' },
      contentType: 'application/json; charset=utf-8',
    });
    expect(created.status).toBe(201);
    const stop = await harness.app.request('/v1/stop', {
      method: 'POST',
      headers: { Authorization: `Bearer ${harness.keys.owner}` },
    });
    expect(stop.status).toBe(200);
  });

  it.each([
    ['a body string', 'POST', '/v1/memories', { content: 'a\u0000b' }, 'json.content'],
    [
      'a body string in a list',
      'POST',
      '/v1/memories',
      { content: 'ok', tags: ['t', '\u0000'] },
      'json.tags.1',
    ],
    [
      'a payload value',
      'POST',
      '/v1/tasks',
      { kind: 'echo', payload: { text: 'a\u0000' } },
      'json.payload.text',
    ],
    ['a payload key', 'POST', '/v1/tasks', { kind: 'echo', payload: { 'a\u0000': 1 } }, 'json.payload'],
    ['a path id', 'GET', '/v1/agents/a%00b', undefined, 'param.id'],
    ['a path id of a write', 'DELETE', '/v1/memories/mem%00', undefined, 'param.id'],
    ['a cursor', 'GET', '/v1/agents?cursor=a%00b', undefined, 'query.cursor'],
    ['a query filter', 'GET', '/v1/tasks?kind=a%00b', undefined, 'query.kind'],
    ['a search query', 'GET', '/v1/memories/search?q=a%00b', undefined, 'query.q'],
  ])('refuses a NUL in %s with a 400 naming the field', async (_what, method, path, body, field) => {
    const before = await harness.rowCounts();
    const response = await harness.request(method, path, body === undefined ? {} : { body });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error).toMatchObject({ code: 'invalid_input', details: { fields: [{ path: field }] } });
    expect(error.message).toContain('NUL');
    expect(await harness.rowCounts()).toEqual(before);
  });

  it('refuses a lone surrogate, which neither database could store as sent', async () => {
    const response = await harness.request('POST', '/v1/memories', {
      body: '{"content":"lone \\ud800 half"}',
    });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({
      code: 'invalid_input',
      details: { fields: [{ path: 'json.content', message: expect.stringContaining('surrogate') }] },
    });
    const pair = await harness.request('POST', '/v1/memories', {
      body: '{"content":"a pair \\ud83d\\udc4b"}',
    });
    expect(pair.status).toBe(201);
    expect(((await pair.json()) as { memory: { content: string } }).memory.content).toBe('a pair 👋');
  });

  it('refuses JSON nested 100,000 deep with a 400, and takes it shallow', async () => {
    const before = await harness.rowCounts();
    const depth = 100_000;
    for (const deep of [
      `${'['.repeat(depth)}${']'.repeat(depth)}`,
      `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
    ]) {
      const response = await harness.request('POST', '/v1/tasks', {
        body: `{"kind":"echo","payload":${deep}}`,
      });
      expect(response.status).toBe(400);
      expect(await errorOf(response)).toMatchObject({
        code: 'invalid_input',
        details: { fields: [{ path: 'json.payload', message: `nests deeper than ${maxInputDepth} levels` }] },
      });
    }
    expect(await harness.rowCounts()).toEqual(before);
    const shallow = `${'['.repeat(maxInputDepth - 1)}${']'.repeat(maxInputDepth - 1)}`;
    const accepted = await harness.request('POST', '/v1/tasks', {
      body: `{"kind":"echo","payload":${shallow}}`,
    });
    expect(accepted.status).toBe(201);
  });
});
