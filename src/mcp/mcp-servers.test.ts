import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpHarness, type HttpHarness } from '../http/test-support/http-harness.js';
import { testDialects } from '../storage/test-support/databases.js';

interface ServerView {
  id: string;
  name: string;
  source: string;
  version: number;
  transport: Record<string, unknown>;
}

const httpServer = (name: string, headers: Record<string, string> = {}) => ({
  name,
  description: 'docs search',
  transport: { type: 'http', url: 'http://127.0.0.1:9/mcp', headers },
});

async function fieldsOf(response: Response): Promise<string[]> {
  const body = (await response.json()) as { error: { details?: { fields?: Array<{ path: string }> } } };
  return (body.error.details?.fields ?? []).map((field) => field.path);
}

describe.each(testDialects)('the MCP server registry on %s', (dialect) => {
  let harness: HttpHarness;
  beforeAll(async () => {
    harness = await createHttpHarness(dialect, {
      config: {
        mcp: { stdioCommands: ['node'] },
        mcpServers: { shared: { url: 'http://127.0.0.1:9/shared', headers: { 'X-Token': 'config-secret' } } },
      },
    });
  });
  afterAll(async () => {
    await harness.close();
  });

  it('creates, lists, gets, edits and deletes a server; header values are never shown', async () => {
    const created = await harness.request('POST', '/v1/mcp-servers', {
      body: httpServer('docs', { Authorization: 'Bearer plain-token' }),
    });
    expect(created.status).toBe(201);
    const server = (await created.json()) as ServerView;
    expect(server).toMatchObject({ name: 'docs', source: 'api', version: 1 });
    expect(server.transport.headers).toEqual({ Authorization: '[redacted]' });
    expect(JSON.stringify(await harness.auditOf(created))).toContain('mcp-server.create');

    const listed = (await (await harness.request('GET', '/v1/mcp-servers')).json()) as {
      mcpServers: ServerView[];
    };
    expect(listed.mcpServers.map((each) => [each.name, each.source])).toEqual([
      ['shared', 'config'],
      ['docs', 'api'],
    ]);
    expect(JSON.stringify(listed)).not.toContain('plain-token');
    expect(JSON.stringify(listed)).not.toContain('config-secret');

    const byName = (await (await harness.request('GET', '/v1/mcp-servers/docs')).json()) as ServerView;
    expect(byName.id).toBe(server.id);

    const edited = await harness.request('PATCH', `/v1/mcp-servers/${server.id}`, {
      body: { description: 'new', transport: { type: 'stdio', command: 'node', args: ['server.js'] } },
    });
    expect(edited.status).toBe(200);
    expect((await edited.json()) as ServerView).toMatchObject({
      version: 2,
      transport: { type: 'stdio', command: 'node', args: ['server.js'], env: {} },
    });

    expect((await harness.request('DELETE', '/v1/mcp-servers/docs')).status).toBe(204);
    expect((await harness.request('GET', '/v1/mcp-servers/docs')).status).toBe(404);
  });

  it('refuses a duplicate name, and the name of a config server', async () => {
    expect((await harness.request('POST', '/v1/mcp-servers', { body: httpServer('twice') })).status).toBe(
      201,
    );
    expect((await harness.request('POST', '/v1/mcp-servers', { body: httpServer('twice') })).status).toBe(
      409,
    );
    const shadow = await harness.request('POST', '/v1/mcp-servers', { body: httpServer('shared') });
    expect(shadow.status).toBe(409);
    expect(await fieldsOf(shadow)).toEqual(['name']);
  });

  it('config servers are read-only through the API', async () => {
    expect((await harness.request('GET', '/v1/mcp-servers/shared')).status).toBe(200);
    expect(
      (await harness.request('PATCH', '/v1/mcp-servers/shared', { body: { description: 'x' } })).status,
    ).toBe(409);
    expect((await harness.request('DELETE', '/v1/mcp-servers/shared')).status).toBe(409);
  });

  it('refuses a stdio command the operator did not allow, naming the field; keeps secret references hidden', async () => {
    const command = await harness.request('POST', '/v1/mcp-servers', {
      body: { name: 'shell', transport: { type: 'stdio', command: '/bin/sh', args: ['-c', 'id'] } },
    });
    expect(command.status).toBe(400);
    expect(await fieldsOf(command)).toEqual(['transport.command']);
    const secret = await harness.request('POST', '/v1/mcp-servers', {
      body: httpServer('secretive', { Authorization: 'Bearer {{secrets.DOCS_TOKEN}}' }),
    });
    expect(secret.status).toBe(201);
    const shown = (await secret.json()) as ServerView;
    expect(shown.transport.headers).toEqual({ Authorization: '[redacted]' });
  });

  it('needs the admin role to write; members read', async () => {
    const member = await harness.request('POST', '/v1/mcp-servers', {
      key: harness.keys.member,
      body: httpServer('by-member'),
    });
    expect(member.status).toBe(403);
    expect((await harness.request('GET', '/v1/mcp-servers', { key: harness.keys.viewer })).status).toBe(200);
    expect(
      (
        await harness.request('POST', '/v1/mcp-servers', {
          key: harness.keys.admin,
          body: httpServer('by-admin'),
        })
      ).status,
    ).toBe(201);
  });

  it("another org's key gets 404 for the org's server and does not list it", async () => {
    const created = (await (
      await harness.request('POST', '/v1/mcp-servers', { body: httpServer('private') })
    ).json()) as ServerView;
    const other = { key: harness.keys.otherOrg };
    expect((await harness.request('GET', `/v1/mcp-servers/${created.id}`, other)).status).toBe(404);
    expect((await harness.request('DELETE', `/v1/mcp-servers/${created.id}`, other)).status).toBe(404);
    expect(
      (
        await harness.request('PATCH', `/v1/mcp-servers/${created.id}`, {
          ...other,
          body: { description: 'x' },
        })
      ).status,
    ).toBe(404);
    const listed = (await (await harness.request('GET', '/v1/mcp-servers', other)).json()) as {
      mcpServers: ServerView[];
    };
    expect(listed.mcpServers.map((each) => each.name)).toEqual(['shared']);
    const agent = await harness.request('POST', '/v1/agents', {
      ...other,
      body: { name: 'snoop', tools: ['mcp:private/*'] },
    });
    expect(agent.status).toBe(400);
  });
});
