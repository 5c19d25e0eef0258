import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configDefaults } from '../../config/index.js';
import { testToolContext } from '../test-support/tool-context.js';
import { defaultEgressDependencies, type EgressDependencies } from './egress-policy.js';
import type { HttpToolConfig } from './http-config.js';
import { createHttpRequestTool, type HttpRequestInput } from './http-request-tool.js';
import { isPrivateAddress } from './private-address.js';

let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = request.url ?? '/';
    if (path === '/hello') {
      response.writeHead(200, {
        'content-type': 'text/plain',
        'content-length': '11',
        etag: '"v1"',
        'set-cookie': 's=1',
      });
      response.end('hello world');
    } else if (path === '/big') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('x'.repeat(3000));
      response.end('y'.repeat(3000));
    } else if (path === '/headers') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(request.headers));
    } else if (path === '/slow') {
      // never answers
    } else {
      const targets: Record<string, string> = {
        '/to-hello': '/hello',
        '/loop': '/loop',
        '/to-metadata': 'http://169.254.169.254/latest/meta-data/',
        '/to-other-origin': `http://other.test:${(server.address() as AddressInfo).port}/headers`,
        '/to-file': 'file:///etc/passwd',
      };
      const target = targets[path];
      response.writeHead(target === undefined ? 404 : 302, target === undefined ? {} : { location: target });
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function context(signal = new AbortController().signal) {
  return testToolContext({ signal });
}

/** Treats the loopback test server as if it were a public host, and resolves `other.test` to it. */
const loopbackIsPublic: EgressDependencies = {
  lookup: async (hostname) =>
    hostname === 'other.test'
      ? [{ address: '127.0.0.1', family: 4 }]
      : defaultEgressDependencies.lookup(hostname),
  isPrivateAddress: (address) => address !== '127.0.0.1' && isPrivateAddress(address),
};

function run(
  input: HttpRequestInput,
  overrides: Partial<HttpToolConfig> = {},
  dependencies?: EgressDependencies,
) {
  const tool = createHttpRequestTool(
    { ...configDefaults.tools.http, allowPrivate: true, ...overrides },
    dependencies,
  );
  return tool.execute(input, context());
}

describe('http_request', () => {
  it('fetches from a private address only when allowPrivate is on', async () => {
    const result = await run({ url: `${base}/hello` });
    expect(result).toEqual({
      status: 200,
      headers: {
        'content-type': 'text/plain',
        etag: '"v1"',
        'content-length': '11',
        date: expect.any(String),
      },
      body: 'hello world',
      truncated: false,
      url: `${base}/hello`,
    });
    await expect(run({ url: `${base}/hello` }, { allowPrivate: false })).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('private address (127.0.0.1)'),
    });
    await expect(run({ url: 'http://localhost:9/' }, { allowPrivate: false })).rejects.toMatchObject({
      code: 'forbidden',
    });
  });

  it('applies the deny list before the allow list', async () => {
    await expect(run({ url: `${base}/hello` }, { deny: ['127.0.0.1'] })).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('deny list'),
    });
    await expect(run({ url: `${base}/hello` }, { allow: ['*.example.com'] })).rejects.toMatchObject({
      message: expect.stringContaining('not on the allow list'),
    });
    expect((await run({ url: `${base}/hello` }, { allow: ['127.0.0.1'] })).status).toBe(200);
    await expect(
      run({ url: `${base}/hello` }, { allow: ['127.0.0.1'], deny: ['127.0.0.1'] }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('follows redirects, re-checking every hop', async () => {
    const followed = await run({ url: `${base}/to-hello` });
    expect(followed).toMatchObject({ status: 200, body: 'hello world', url: `${base}/hello` });
    const publicHost = { allowPrivate: false };
    expect((await run({ url: `${base}/hello` }, publicHost, loopbackIsPublic)).status).toBe(200);
    await expect(run({ url: `${base}/to-metadata` }, publicHost, loopbackIsPublic)).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('169.254.169.254'),
    });
    await expect(run({ url: `${base}/to-file` })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(run({ url: `${base}/loop` }, { maxRedirects: 2 })).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringContaining('more than 2 redirects'),
    });
  });

  it('drops credentials when a redirect changes origin', async () => {
    const input = { url: `${base}/to-other-origin`, headers: { Authorization: 'Bearer s', 'X-Trace': 't' } };
    const result = await run(input, {}, loopbackIsPublic);
    const seen = JSON.parse(result.body);
    expect(seen['x-trace']).toBe('t');
    expect(seen.authorization).toBeUndefined();
  });

  it('cuts the body at maxResponseBytes', async () => {
    const cut = await run({ url: `${base}/big` }, { maxResponseBytes: 1000 });
    expect(cut.body).toBe('x'.repeat(1000));
    expect(cut.truncated).toBe(true);
    const exact = await run({ url: `${base}/big` }, { maxResponseBytes: 6000 });
    expect(exact.body.length).toBe(6000);
    expect(exact.truncated).toBe(false);
  });

  it('times out and can be canceled', async () => {
    await expect(run({ url: `${base}/slow` }, { timeoutMs: 150 })).rejects.toMatchObject({ code: 'timeout' });
    const controller = new AbortController();
    const tool = createHttpRequestTool({ ...configDefaults.tools.http, allowPrivate: true });
    setTimeout(() => controller.abort(), 50);
    await expect(tool.execute({ url: `${base}/slow` }, context(controller.signal))).rejects.toMatchObject({
      code: 'canceled',
    });
  });

  it('reports network failures as unavailable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(run({ url: `http://127.0.0.1:${port}/` })).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('sends only GET and HEAD to a bare URL, and validates headers', () => {
    const tool = createHttpRequestTool(configDefaults.tools.http);
    const post = tool.inputSchema.safeParse({ url: 'https://example.com', method: 'POST' });
    expect(post.error?.issues[0]).toMatchObject({
      path: ['method'],
      message: expect.stringContaining('without an endpoint only GET and HEAD are allowed'),
    });
    expect(tool.inputSchema.safeParse({ url: 'https://example.com', method: 'HEAD' }).success).toBe(true);
    expect(tool.inputSchema.safeParse({}).error?.issues[0]?.path).toEqual(['endpoint']);
    expect(tool.inputSchema.safeParse({ url: 'https://e.com', path: '/x' }).error?.issues[0]?.path).toEqual([
      'path',
    ]);
    const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, index) => [`x-h${index}`, 'v']));
    expect(tool.inputSchema.safeParse({ url: 'https://example.com', headers: tooMany }).success).toBe(false);
    expect(tool.inputSchema.safeParse({ url: 'https://e.com', headers: { Host: 'x' } }).success).toBe(false);
    expect(
      tool.inputSchema.safeParse({ url: 'https://e.com', headers: { 'x-a': 'a\r\nb: c' } }).success,
    ).toBe(false);
    expect(tool.inputSchema.safeParse({ url: 'https://e.com', headers: { 'x-a': 'ok' } }).success).toBe(true);
  });

  it('requires approval for mutating methods by default, or as configured', () => {
    const mutating = createHttpRequestTool(configDefaults.tools.http);
    expect(configDefaults.tools.http.approval).toBe('mutating');
    expect(mutating.requiresApproval({ url: 'https://e.com' })).toBe(false);
    expect(mutating.requiresApproval({ endpoint: 'api', method: 'HEAD' })).toBe(false);
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      expect(mutating.requiresApproval({ endpoint: 'api', method })).toBe(true);
    }
    const always = createHttpRequestTool({ ...configDefaults.tools.http, approval: 'always' });
    expect(always.requiresApproval({ url: 'https://e.com' })).toBe(true);
    const never = createHttpRequestTool({ ...configDefaults.tools.http, approval: 'never' });
    expect(never.requiresApproval({ endpoint: 'api', method: 'DELETE' })).toBe(false);
  });

  it('rejects unsupported schemes and URL credentials', async () => {
    await expect(run({ url: 'ftp://example.com/' })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(run({ url: `http://user:pass@127.0.0.1/` })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(run({ url: 'not a url' })).rejects.toMatchObject({ code: 'invalid_input' });
  });
});
