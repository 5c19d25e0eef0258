import { request as httpRequest } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono, type MiddlewareHandler } from 'hono';
import { validator } from 'hono/validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ColonyError } from '../errors/index.js';
import { until } from '../server/test-support/spawn-server.js';
import { createBodyReader } from './request-body.js';

// The reader only takes over behind Node's server, so these tests go through a real socket.
describe('createBodyReader', () => {
  const limit = 1024;
  let base: string;
  let server: ReturnType<typeof serve>;
  let handled = 0;
  const errors: Error[] = [];

  beforeAll(async () => {
    const app = new Hono();
    app.use(
      '*',
      createBodyReader(limit, (http) => http.json({ error: 'too large' }, 413)),
    );
    app.onError((error, http) => {
      errors.push(error);
      return http.json({ error: error.message }, 400);
    });
    // Tells whether the reader had already read the body when the route's own middleware ran.
    const preread: MiddlewareHandler = async (http, next) => {
      const read = 'text' in http.req.bodyCache;
      await next();
      http.res.headers.set('X-Preread', String(read));
    };
    app.post(
      '/json',
      preread,
      validator('json', (value) => value),
      (http) => {
        handled++;
        return http.json({ got: http.req.valid('json') });
      },
    );
    app.post('/text', preread, async (http) => {
      handled++;
      return http.json({ got: await http.req.text() });
    });
    server = await new Promise((resolve) => {
      const instance = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(instance));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const post = (path: string, body: string, contentType = 'application/json') =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'Content-Type': contentType }, body });

  /** Sends `chunks` with chunked transfer encoding (no Content-Length). */
  function postChunked(chunks: string[]): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(
        `${base}/json`,
        { method: 'POST', headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } },
        (response) => {
          let body = '';
          response.on('data', (data) => {
            body += data;
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        },
      );
      request.on('error', reject);
      for (const chunk of chunks) request.write(chunk);
      request.end();
    });
  }

  it('hands a JSON body within the limit to the validator', async () => {
    const response = await post('/json', JSON.stringify({ content: 'héllo' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('X-Preread')).toBe('true');
    expect(await response.json()).toEqual({ got: { content: 'héllo' } });
  });

  it('answers 413 from the declared length without calling the route', async () => {
    const before = handled;
    const response = await post('/json', JSON.stringify({ content: 'x'.repeat(limit) }));
    expect(response.status).toBe(413);
    expect(handled).toBe(before);
  });

  it('answers 413 once a chunked body passes the limit', async () => {
    const before = handled;
    const response = await postChunked(['{"content":"', 'x'.repeat(600), 'x'.repeat(600), '"}']);
    expect(response.status).toBe(413);
    expect(handled).toBe(before);
    const small = await postChunked(['{"content":', '"ok"}']);
    expect(small).toEqual({ status: 200, body: JSON.stringify({ got: { content: 'ok' } }) });
  });

  it('leaves malformed JSON to the validator (400)', async () => {
    const response = await post('/json', '{"content": ');
    expect(response.status).toBe(400);
  });

  it('drops a UTF-8 byte order mark, as fetch does', async () => {
    const response = await post('/json', `\uFEFF${JSON.stringify({ content: 'bom' })}`);
    expect(await response.json()).toEqual({ got: { content: 'bom' } });
  });

  it('reports a body cut off by the client, without calling the route, and keeps serving', async () => {
    const before = handled;
    errors.length = 0;
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    // What arrives is valid JSON, but not the 500 bytes the client declared.
    const partial = '{"content":"cut"}';
    socket.write(
      `POST /json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n${partial}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    await until('the read error', () => (errors.length > 0 ? true : undefined), 5000);
    expect(errors[0]).toBeInstanceOf(ColonyError);
    expect(errors[0]?.message).toBe('the request body could not be read');
    expect(handled).toBe(before);
    expect((await post('/json', '{"content":"after"}')).status).toBe(200);
  });

  it('limits bodies that are not JSON through the fallback path', async () => {
    expect((await post('/text', 'y'.repeat(limit + 1), 'text/plain')).status).toBe(413);
    const response = await post('/text', 'plain words', 'text/plain');
    expect(response.headers.get('X-Preread')).toBe('false');
    expect(await response.json()).toEqual({ got: 'plain words' });
  });
});
