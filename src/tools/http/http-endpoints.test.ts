import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configDefaults } from '../../config/index.js';
import type { SecretResolver } from '../secret-resolver.js';
import { testToolContext } from '../test-support/tool-context.js';
import type { HttpToolConfig } from './http-config.js';
import { type HttpEndpoints, httpEndpointSchema } from './http-endpoint.js';
import { createHttpRequestTool, type HttpRequestInput } from './http-request-tool.js';

let server: Server;
let base = '';

/** Echoes what it received; `/api/moved` redirects to `/api/items`. */
beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/api/moved') {
        response.writeHead(307, { location: '/api/items' });
        response.end();
        return;
      }
      const echo = JSON.stringify({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.writeHead(request.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
      response.end(echo);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function endpoints(): HttpEndpoints {
  return {
    crm: httpEndpointSchema.parse({
      baseUrl: `${base}/api/`,
      methods: ['GET', 'POST', 'DELETE'],
      headers: { 'X-Api-Version': '2', Authorization: 'Bearer static-token' },
      maxRequestBytes: 100,
      maxResponseBytes: 2_000,
    }),
    readonly: httpEndpointSchema.parse({ baseUrl: `${base}/api` }),
  };
}

async function call(input: HttpRequestInput, overrides: Partial<HttpToolConfig> = {}) {
  const tool = createHttpRequestTool({ ...configDefaults.tools.http, allowPrivate: true, ...overrides });
  const parsed = tool.inputSchema.parse(input);
  const output = await tool.execute(parsed, testToolContext({ httpEndpoints: endpoints() }));
  return { ...output, echo: output.truncated || output.body === '' ? null : JSON.parse(output.body) };
}

describe('http_request with named endpoints', () => {
  it('sends each allowed method with path, query, body and the endpoint headers', async () => {
    const created = await call({
      endpoint: 'crm',
      method: 'POST',
      path: '/contacts',
      query: { source: 'agent', page: 2, dry: false },
      body: { name: 'Ada' },
    });
    expect(created.status).toBe(201);
    expect(created.echo).toMatchObject({
      method: 'POST',
      url: '/api/contacts?source=agent&page=2&dry=false',
      body: '{"name":"Ada"}',
      headers: {
        'content-type': 'application/json',
        'content-length': '14',
        'x-api-version': '2',
        authorization: 'Bearer static-token',
      },
    });
    const text = await call({ endpoint: 'crm', method: 'POST', path: 'notes', body: 'plain words' });
    expect(text.echo).toMatchObject({
      body: 'plain words',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
    expect((await call({ endpoint: 'crm', method: 'DELETE', path: 'contacts/7' })).echo).toMatchObject({
      method: 'DELETE',
      url: '/api/contacts/7',
    });
    const head = await call({ url: `${base}/api/x`, method: 'HEAD' });
    expect(head).toMatchObject({ status: 200, body: '' });
  });

  it('lets the endpoint headers win over the model', async () => {
    const output = await call({
      endpoint: 'crm',
      path: 'me',
      headers: { authorization: 'Bearer forged', 'x-trace': 't' },
    });
    expect(output.echo.headers).toMatchObject({ authorization: 'Bearer static-token', 'x-trace': 't' });
  });

  it('refuses methods, paths and bodies the endpoint does not allow', async () => {
    await expect(call({ endpoint: 'crm', method: 'PUT', path: 'x' })).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('allows only GET, POST, DELETE, not PUT'),
    });
    await expect(call({ endpoint: 'readonly', method: 'POST', body: 1 })).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(call({ endpoint: 'crm', path: '../admin' })).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining("leaves the endpoint's base URL"),
    });
    await expect(call({ endpoint: 'crm', path: 'http://evil.example/x' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect((await call({ endpoint: 'crm', path: '//evil.example/x' })).echo.url).toBe('/api/evil.example/x');
    await expect(call({ endpoint: 'crm', path: 'x?a=1' })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(call({ endpoint: 'crm', method: 'POST', body: 'x'.repeat(101) })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('accepts at most 100'),
    });
    await expect(call({ endpoint: 'nope' })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('has no endpoint "nope" (it has: crm, readonly)'),
    });
  });

  it('keeps the egress rules and the response limit', async () => {
    await expect(call({ endpoint: 'crm', path: 'x' }, { allowPrivate: false })).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('private address'),
    });
    await expect(call({ endpoint: 'crm', path: 'x' }, { deny: ['127.0.0.1'] })).rejects.toMatchObject({
      code: 'forbidden',
    });
    const cut = await call({ endpoint: 'crm', method: 'POST', path: 'x', body: 'y'.repeat(100) });
    expect(cut).toMatchObject({ truncated: false });
    const small = await call({ endpoint: 'crm', path: 'x' }, { maxResponseBytes: 50 });
    expect(small).toMatchObject({ truncated: true });
    expect(small.body.length).toBe(50);
  });

  it('follows redirects for GET only; another method gets the redirect back', async () => {
    expect((await call({ endpoint: 'crm', path: 'moved' })).echo).toMatchObject({ url: '/api/items' });
    const posted = await call({ endpoint: 'crm', method: 'POST', path: 'moved', body: {} });
    expect(posted).toMatchObject({ status: 307, headers: { location: '/api/items' } });
  });

  it('validates endpoint definitions; secret references are kept for call time', () => {
    expect(httpEndpointSchema.safeParse({ baseUrl: 'ftp://example.com' }).success).toBe(false);
    expect(httpEndpointSchema.safeParse({ baseUrl: 'https://u:p@example.com' }).success).toBe(false);
    expect(httpEndpointSchema.safeParse({ baseUrl: 'https://example.com/?a=1' }).success).toBe(false);
    expect(httpEndpointSchema.safeParse({ baseUrl: 'https://e.com', methods: ['TRACE'] }).success).toBe(
      false,
    );
    const secret = httpEndpointSchema.safeParse({
      baseUrl: 'https://e.com',
      headers: { Authorization: 'Bearer {{secrets.CRM_TOKEN}}' },
    });
    expect(secret.data?.headers).toEqual({ Authorization: 'Bearer {{secrets.CRM_TOKEN}}' });
    expect(httpEndpointSchema.parse({ baseUrl: 'https://e.com' })).toEqual({
      baseUrl: 'https://e.com',
      methods: ['GET'],
      headers: {},
      query: {},
      maxRequestBytes: 100_000,
    });
  });
});

describe('http_request with secrets in an endpoint', () => {
  const token = 'tok-3e9f0c7a1b2d';
  const asked: string[][] = [];
  const resolver: SecretResolver = {
    async forToolCall(_context, _tool, names) {
      asked.push([...names]);
      const values = new Map(names.map((name) => [name, name === 'BROKEN' ? 'line\nbreak-value' : token]));
      return { values, revision: names.join(',') };
    },
    forOrg: () => Promise.reject(new Error('not used')),
  };
  const secretEndpoints = (): HttpEndpoints => ({
    vault: httpEndpointSchema.parse({
      baseUrl: `${base}/api/`,
      headers: { Authorization: 'Bearer {{secrets.TOKEN}}' },
      query: { key: '{{secrets.TOKEN}}', fixed: 'yes' },
    }),
    broken: httpEndpointSchema.parse({ baseUrl: `${base}/api/`, headers: { 'X-Key': '{{secrets.BROKEN}}' } }),
  });
  const run = (input: HttpRequestInput, overrides: Partial<HttpToolConfig> = {}) => {
    const tool = createHttpRequestTool(
      { ...configDefaults.tools.http, allowPrivate: true, ...overrides },
      undefined,
      resolver,
    );
    return tool.execute(tool.inputSchema.parse(input), testToolContext({ httpEndpoints: secretEndpoints() }));
  };

  it('fills header and query, keeps the endpoint query first, and redacts the echo', async () => {
    const output = await run({ endpoint: 'vault', path: 'x', query: { key: 'model-tries', page: 1 } });
    const echo = JSON.parse(output.body) as { url: string; headers: Record<string, string> };
    expect(echo.url).toBe('/api/x?key=[secret:TOKEN]&fixed=yes&page=1');
    expect(echo.headers.authorization).toBe('Bearer [secret:TOKEN]');
    expect(JSON.stringify(output)).not.toContain(token);
    expect(asked.at(-1)).toEqual(['TOKEN']);
  });

  it('asks for no secret when the egress rules refuse the host, and refuses a value with a line break', async () => {
    const before = asked.length;
    await expect(run({ endpoint: 'vault' }, { deny: ['127.0.0.1'] })).rejects.toThrow(
      'host 127.0.0.1 is on the deny list',
    );
    expect(asked).toHaveLength(before);
    await expect(run({ endpoint: 'broken' })).rejects.toThrow('the secret BROKEN holds a line break');
  });
});
