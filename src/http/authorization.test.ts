import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../context/index.js';
import { testDialects } from '../storage/test-support/databases.js';
import { createHttpHarness, type HttpHarness } from './test-support/http-harness.js';

interface Fixture {
  agentId: string;
  chatId: string;
  runId: string;
}

interface RouteCase {
  name: string;
  method: string;
  path: (fixture: Fixture) => string;
  /** The lowest role allowed. */
  minimum: Role;
  body?: unknown;
  /** A body that fails validation, and the field the error must name. */
  invalid?: { body: unknown; field: string };
  /** The route addresses one resource: another org's key must get 404. */
  scoped: boolean;
  /** SSE routes: only failures are checked (a success would stream). */
  streams?: boolean;
}

const routes: RouteCase[] = [
  {
    name: 'create agent',
    method: 'POST',
    path: () => '/v1/agents',
    minimum: 'member',
    body: { name: 'fresh-agent' },
    invalid: { body: { name: '' }, field: 'name' },
    scoped: false,
  },
  { name: 'list agents', method: 'GET', path: () => '/v1/agents', minimum: 'viewer', scoped: false },
  {
    name: 'get agent',
    method: 'GET',
    path: (f) => `/v1/agents/${f.agentId}`,
    minimum: 'viewer',
    scoped: true,
  },
  {
    name: 'edit agent',
    method: 'PATCH',
    path: (f) => `/v1/agents/${f.agentId}`,
    minimum: 'member',
    body: { description: 'edited' },
    invalid: { body: { instructions: 42 }, field: 'instructions' },
    scoped: true,
  },
  {
    name: 'create chat',
    method: 'POST',
    path: () => '/v1/chats',
    minimum: 'member',
    body: { agent: 'helper' },
    invalid: { body: { agent: '' }, field: 'agent' },
    scoped: false,
  },
  { name: 'list chats', method: 'GET', path: () => '/v1/chats', minimum: 'viewer', scoped: false },
  { name: 'get chat', method: 'GET', path: (f) => `/v1/chats/${f.chatId}`, minimum: 'viewer', scoped: true },
  {
    name: 'post message',
    method: 'POST',
    path: (f) => `/v1/chats/${f.chatId}/messages`,
    minimum: 'member',
    body: { content: 'hello' },
    invalid: { body: { content: '' }, field: 'content' },
    scoped: true,
  },
  {
    name: 'list messages',
    method: 'GET',
    path: (f) => `/v1/chats/${f.chatId}/messages`,
    minimum: 'viewer',
    scoped: true,
  },
  { name: 'get run', method: 'GET', path: (f) => `/v1/runs/${f.runId}`, minimum: 'viewer', scoped: true },
  {
    name: 'run events',
    method: 'GET',
    path: (f) => `/v1/runs/${f.runId}/events`,
    minimum: 'viewer',
    scoped: true,
    streams: true,
  },
  {
    name: 'cancel run',
    method: 'POST',
    path: (f) => `/v1/runs/${f.runId}/cancel`,
    minimum: 'member',
    scoped: true,
  },
  {
    name: 'approve',
    method: 'POST',
    path: (f) => `/v1/runs/${f.runId}/approvals`,
    minimum: 'member',
    body: { toolCallId: 'nope', decision: 'approve' },
    invalid: { body: { toolCallId: 'x', decision: 'maybe' }, field: 'decision' },
    scoped: true,
  },
  {
    name: 'event firehose',
    method: 'GET',
    path: () => '/v1/events',
    minimum: 'viewer',
    scoped: false,
    streams: true,
  },
  {
    name: 'message agent',
    method: 'POST',
    path: (f) => `/v1/agents/${f.agentId}/messages`,
    minimum: 'member',
    body: { content: 'ping', trigger: false },
    invalid: { body: { content: '' }, field: 'content' },
    scoped: true,
  },
  {
    name: 'agent inbox',
    method: 'GET',
    path: (f) => `/v1/agents/${f.agentId}/messages`,
    minimum: 'viewer',
    scoped: true,
  },
  {
    name: 'create key',
    method: 'POST',
    path: () => '/v1/keys',
    minimum: 'admin',
    body: { name: 'ci', role: 'viewer' },
    invalid: { body: { name: 'x', role: 'emperor' }, field: 'role' },
    scoped: false,
  },
  { name: 'list keys', method: 'GET', path: () => '/v1/keys', minimum: 'admin', scoped: false },
  { name: 'list audit entries', method: 'GET', path: () => '/v1/audit', minimum: 'admin', scoped: false },
  { name: 'usage report', method: 'GET', path: () => '/v1/usage', minimum: 'viewer', scoped: false },
  {
    name: 'create schedule',
    method: 'POST',
    path: () => '/v1/schedules',
    minimum: 'member',
    body: { name: 'authz', intervalMs: 60_000, target: { kind: 'agent', agent: 'helper', prompt: 'hi' } },
    invalid: {
      body: { name: 'authz', intervalMs: 1, target: { kind: 'agent', agent: 'helper', prompt: 'hi' } },
      field: 'intervalMs',
    },
    scoped: false,
  },
  {
    name: 'set the org budget',
    method: 'PUT',
    path: () => '/v1/budgets/org',
    minimum: 'admin',
    body: { maxTokensPerMonth: 1_000_000_000 },
    invalid: { body: { maxTokensPerMonth: 0 }, field: 'maxTokensPerMonth' },
    scoped: false,
  },
  { name: 'list budgets', method: 'GET', path: () => '/v1/budgets', minimum: 'viewer', scoped: false },
  { name: 'list schedules', method: 'GET', path: () => '/v1/schedules', minimum: 'viewer', scoped: false },
  {
    name: 'create secret',
    method: 'POST',
    path: () => '/v1/secrets',
    minimum: 'admin',
    body: { name: 'AUTHZ_NEW', value: 'authz-value-1' },
    invalid: { body: { name: 'AUTHZ_BAD', value: 'short' }, field: 'value' },
    scoped: false,
  },
  { name: 'list secrets', method: 'GET', path: () => '/v1/secrets', minimum: 'viewer', scoped: false },
  { name: 'get secret', method: 'GET', path: () => '/v1/secrets/AUTHZ', minimum: 'viewer', scoped: true },
  {
    name: 'rotate secret',
    method: 'POST',
    path: () => '/v1/secrets/AUTHZ/versions',
    minimum: 'admin',
    body: { value: 'authz-value-2' },
    invalid: { body: { value: 'short' }, field: 'value' },
    scoped: true,
  },
  {
    name: 'grant secret',
    method: 'POST',
    path: () => '/v1/secrets/AUTHZ/grants',
    minimum: 'admin',
    body: { agent: 'helper' },
    invalid: { body: { agent: 'helper', chat: 'both' }, field: 'agent' },
    scoped: true,
  },
  {
    name: 'list secret grants',
    method: 'GET',
    path: () => '/v1/secrets/AUTHZ/grants',
    minimum: 'viewer',
    scoped: true,
  },
  {
    name: 'revoke secret grant',
    method: 'DELETE',
    path: () => '/v1/secrets/AUTHZ/grants/sgr_missing',
    minimum: 'admin',
    scoped: true,
  },
  {
    name: 'delete secret',
    method: 'DELETE',
    path: () => '/v1/secrets/AUTHZ',
    minimum: 'admin',
    scoped: true,
  },
  {
    name: 'create webhook',
    method: 'POST',
    path: () => '/v1/webhooks',
    minimum: 'admin',
    body: { url: 'http://93.184.215.14/hooks', eventTypes: ['run-succeeded'] },
    invalid: {
      body: { url: 'http://93.184.215.14/hooks', eventTypes: ['no-such-event'] },
      field: 'eventTypes',
    },
    scoped: false,
  },
  { name: 'list webhooks', method: 'GET', path: () => '/v1/webhooks', minimum: 'viewer', scoped: false },
  {
    name: 'MCP endpoint',
    method: 'POST',
    path: () => '/mcp',
    minimum: 'viewer',
    body: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
    scoped: false,
  },
  {
    name: 'A2A org card',
    method: 'GET',
    path: () => '/.well-known/agent-card.json',
    minimum: 'viewer',
    scoped: false,
  },
  {
    name: 'A2A agent card',
    method: 'GET',
    path: (f) => `/a2a/agents/${f.agentId}/.well-known/agent-card.json`,
    minimum: 'viewer',
    scoped: true,
  },
  {
    name: 'A2A org endpoint',
    method: 'POST',
    path: () => '/a2a',
    minimum: 'viewer',
    body: { jsonrpc: '2.0', id: 1, method: 'GetTask', params: { id: 'run_missing' } },
    scoped: false,
  },
  {
    name: 'A2A agent endpoint',
    method: 'POST',
    path: () => '/a2a/agents/helper',
    minimum: 'viewer',
    body: { jsonrpc: '2.0', id: 1, method: 'GetTask', params: { id: 'run_missing' } },
    scoped: false,
  },
  {
    name: 'apply workflow',
    method: 'POST',
    path: () => '/v1/workflows',
    minimum: 'member',
    body: { definition: { name: 'authz-flow', steps: [{ id: 'one', type: 'set', values: {} }] } },
    invalid: { body: { definition: { name: 'authz-flow', steps: [] } }, field: 'steps' },
    scoped: false,
  },
  { name: 'list workflows', method: 'GET', path: () => '/v1/workflows', minimum: 'viewer', scoped: false },
  {
    name: 'workflow schema',
    method: 'GET',
    path: () => '/v1/workflows/schema.json',
    minimum: 'viewer',
    scoped: false,
  },
  {
    name: 'list workflow runs',
    method: 'GET',
    path: () => '/v1/workflow-runs',
    minimum: 'viewer',
    scoped: false,
  },
  {
    name: 'delete agent',
    method: 'DELETE',
    path: (f) => `/v1/agents/${f.agentId}`,
    minimum: 'admin',
    scoped: true,
  },
];

const roleOrder: Role[] = ['viewer', 'member', 'admin', 'owner'];
const tables = [
  'agent_message',
  'agent',
  'agent_version',
  'conversation',
  'message',
  'run',
  'run_step',
  'task',
  'event',
  'audit_log',
  'api_key',
  'secret',
  'secret_version',
  'secret_grant',
] as const;

describe.each(testDialects)('authorization and validation on %s', (dialect) => {
  let harness: HttpHarness;
  let fixture: Fixture;

  const counts = () => harness.rowCounts(tables);

  beforeAll(async () => {
    harness = await createHttpHarness(dialect, { config: { bodyLimitBytes: 4096 } });
    const agent = (await (
      await harness.request('POST', '/v1/agents', { body: { name: 'helper' } })
    ).json()) as { id: string };
    const chat = (await (
      await harness.request('POST', '/v1/chats', { body: { agent: 'helper' } })
    ).json()) as { id: string };
    const posted = (await (
      await harness.request('POST', `/v1/chats/${chat.id}/messages`, { body: { content: 'hi' } })
    ).json()) as { run: { id: string } };
    fixture = { agentId: agent.id, chatId: chat.id, runId: posted.run.id };
    await harness.request('POST', '/v1/secrets', { body: { name: 'AUTHZ', value: 'authz-value-0' } });
  });
  afterAll(async () => {
    await harness.close();
  });

  it.each(routes)('$name: 401 without a key or with a bad key', async (route) => {
    for (const key of [null, 'ck_aaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'garbage']) {
      const response = await harness.request(route.method, route.path(fixture), { key, body: route.body });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'unauthenticated' } });
    }
  });

  it.each(routes.filter((route) => route.minimum !== 'viewer'))(
    '$name: 403 below $minimum',
    async (route) => {
      const before = await counts();
      const below = roleOrder[roleOrder.indexOf(route.minimum) - 1] as Role;
      const response = await harness.request(route.method, route.path(fixture), {
        key: harness.keys[below],
        body: route.body,
      });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: { code: 'forbidden' } });
      const after = await counts();
      expect(after).toEqual(before);
    },
  );

  it.each(routes.filter((route) => route.scoped))('$name: 404 for another org', async (route) => {
    const before = await counts();
    const response = await harness.request(route.method, route.path(fixture), {
      key: harness.keys.otherOrg,
      body: route.body,
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
    expect(await counts()).toEqual(before);
  });

  it.each(routes.filter((route) => route.invalid))('$name: 400 naming the field', async (route) => {
    const before = await counts();
    const response = await harness.request(route.method, route.path(fixture), { body: route.invalid?.body });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      error: { code: string; message: string; details: { fields: Array<{ path: string }> } };
    };
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.details.fields.map((field) => field.path).join(' ')).toContain(route.invalid?.field);
    expect(await counts()).toEqual(before);
  });

  it.each(routes.filter((route) => route.body !== undefined))(
    '$name: 413 on an oversize body',
    async (route) => {
      const before = await counts();
      const response = await harness.request(route.method, route.path(fixture), {
        body: { padding: 'x'.repeat(10_000) },
      });
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({ error: { code: 'payload_too_large' } });
      expect(await counts()).toEqual(before);
    },
  );

  it('other orgs do not see this org in lists', async () => {
    const agents = (await (
      await harness.request('GET', '/v1/agents', { key: harness.keys.otherOrg })
    ).json()) as {
      agents: unknown[];
    };
    expect(agents.agents).toEqual([]);
    const chats = (await (
      await harness.request('GET', '/v1/chats', { key: harness.keys.otherOrg })
    ).json()) as {
      chats: unknown[];
    };
    expect(chats.chats).toEqual([]);
  });

  it('leaves nothing half-written when a write fails midway', async () => {
    const before = await counts();
    const runs = harness.colony.services.runs;
    const original = runs.createRun;
    runs.createRun = async () => {
      throw new Error('injected failure after the message insert');
    };
    try {
      const response = await harness.request('POST', `/v1/chats/${fixture.chatId}/messages`, {
        body: { content: 'lost?' },
      });
      expect(response.status).toBe(500);
    } finally {
      runs.createRun = original;
    }
    expect(await counts()).toEqual(before);
    const chat = (await (await harness.request('GET', `/v1/chats/${fixture.chatId}`)).json()) as {
      messageCount: number;
    };
    expect(chat.messageCount).toBe(1);
  });

  it('viewer keys can read', async () => {
    const response = await harness.request('GET', `/v1/agents/${fixture.agentId}`, {
      key: harness.keys.viewer,
    });
    expect(response.status).toBe(200);
  });

  it('a revoked key stops working', async () => {
    const created = (await (
      await harness.request('POST', '/v1/keys', { body: { name: 'temp', role: 'viewer' } })
    ).json()) as { apiKey: { id: string }; key: string };
    expect((await harness.request('GET', '/v1/agents', { key: created.key })).status).toBe(200);
    expect((await harness.request('DELETE', `/v1/keys/${created.apiKey.id}`)).status).toBe(200);
    expect((await harness.request('GET', '/v1/agents', { key: created.key })).status).toBe(401);
  });

  it('a member cannot mint an owner key, an admin cannot mint an owner key', async () => {
    const response = await harness.request('POST', '/v1/keys', {
      key: harness.keys.admin,
      body: { name: 'x', role: 'owner' },
    });
    expect(response.status).toBe(403);
  });
});
