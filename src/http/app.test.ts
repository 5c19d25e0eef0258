import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../storage/test-support/databases.js';
import { createHttpHarness, type HttpHarness } from './test-support/http-harness.js';

describe.each(testDialects)('HTTP API basics on %s', (dialect) => {
  let harness: HttpHarness;
  beforeAll(async () => {
    harness = await createHttpHarness(dialect);
  });
  afterAll(async () => {
    await harness.close();
  });

  it('serves health, readiness and an OpenAPI document covering every route', async () => {
    expect((await harness.request('GET', '/healthz', { key: null })).status).toBe(200);
    const ready = await harness.request('GET', '/readyz', { key: null });
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, checks: { database: 'ok' } });
    const spec = (await (await harness.request('GET', '/openapi.json', { key: null })).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(spec.openapi).toBe('3.1.0');
    const routes = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    for (const route of [
      'POST /v1/agents',
      'GET /v1/agents',
      'GET /v1/agents/{id}',
      'PATCH /v1/agents/{id}',
      'DELETE /v1/agents/{id}',
      'POST /v1/chats',
      'GET /v1/chats',
      'GET /v1/chats/{id}',
      'POST /v1/chats/{id}/messages',
      'GET /v1/chats/{id}/messages',
      'GET /v1/runs/{id}',
      'GET /v1/runs/{id}/events',
      'POST /v1/runs/{id}/approvals',
      'POST /v1/runs/{id}/cancel',
      'GET /v1/events',
    ]) {
      expect(routes).toContain(route);
    }
  });

  it('answers unknown routes with the error body', async () => {
    const response = await harness.request('GET', '/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('rejects malformed JSON with a 400 naming the body', async () => {
    const response = await harness.request('POST', '/v1/agents', { body: '{"name": ' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'invalid_input' } });
  });

  it('exposes Prometheus metrics', async () => {
    await harness.request('GET', '/v1/agents');
    const response = await harness.request('GET', '/metrics', { key: null });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('colony_http_request_duration_seconds_bucket');
    expect(text).toContain('route="/v1/agents"');
  });

  it('sends a request id back', async () => {
    const response = await harness.request('GET', '/v1/agents');
    expect(response.headers.get('X-Request-Id')).toMatch(/.+/);
  });
});
