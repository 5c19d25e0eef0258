import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../storage/test-support/databases.js';
import { createHttpHarness, type HttpHarness } from './test-support/http-harness.js';

/** What one successful call of a mutating route must leave in audit_log. */
type AuditCase =
  | { route: string; action: string; call: (harness: HttpHarness, ids: Ids) => Promise<Response> }
  /** Routes whose success needs a long setup (a run waiting for approval, a mission at a checkpoint). */
  | { route: string; action: string; provenIn: string }
  /** POST routes that change no stored state, with the reason they write no audit row. */
  | { route: string; unaudited: string };

interface Ids {
  agentId: string;
  chatId: string;
  runId: string;
  keyId: string;
  memoryId: string;
  taskId: string;
  missionId: string;
}

const mutatingMethods = new Set(['post', 'put', 'patch', 'delete']);

async function json<T>(response: Response | Promise<Response>): Promise<T> {
  const resolved = await response;
  if (resolved.status >= 300) throw new Error(`${resolved.status}: ${await resolved.text()}`);
  return (await resolved.json()) as T;
}

/** The webhook the webhook cases made. */
async function webhookId(harness: HttpHarness): Promise<string> {
  const { webhooks } = await json<{ webhooks: Array<{ id: string }> }>(
    harness.request('GET', '/v1/webhooks'),
  );
  return webhooks[0]?.id ?? 'none';
}

/**
 * In route order of a realistic session: later cases use what earlier ones created, and the
 * destructive ones come last. Every mutating route of /openapi.json must be listed here.
 */
const cases: AuditCase[] = [
  {
    route: 'POST /v1/agents',
    action: 'agent.create',
    call: (h) => h.request('POST', '/v1/agents', { body: { name: 'audited' } }),
  },
  {
    route: 'PATCH /v1/agents/{id}',
    action: 'agent.update',
    call: (h, ids) => h.request('PATCH', `/v1/agents/${ids.agentId}`, { body: { description: 'edited' } }),
  },
  {
    route: 'POST /v1/chats',
    action: 'chat.create',
    call: (h) => h.request('POST', '/v1/chats', { body: { agent: 'helper' } }),
  },
  {
    route: 'POST /v1/chats/{id}/messages',
    action: 'message.create',
    call: (h, ids) => h.request('POST', `/v1/chats/${ids.chatId}/messages`, { body: { content: 'hello' } }),
  },
  {
    route: 'POST /v1/agents/{id}/messages',
    action: 'agent-message.send',
    call: (h, ids) =>
      h.request('POST', `/v1/agents/${ids.agentId}/messages`, { body: { content: 'ping', trigger: false } }),
  },
  {
    route: 'POST /v1/runs/{id}/cancel',
    action: 'run.cancel',
    call: (h, ids) => h.request('POST', `/v1/runs/${ids.runId}/cancel`),
  },
  { route: 'POST /v1/runs/{id}/approvals', action: 'tool-call.reject', provenIn: 'src/http/runs.test.ts' },
  {
    route: 'POST /v1/keys',
    action: 'api-key.create',
    call: (h) => h.request('POST', '/v1/keys', { body: { name: 'ci', role: 'viewer' } }),
  },
  {
    route: 'DELETE /v1/keys/{id}',
    action: 'api-key.revoke',
    call: (h, ids) => h.request('DELETE', `/v1/keys/${ids.keyId}`),
  },
  {
    route: 'POST /v1/memories',
    action: 'memory.create',
    call: (h) => h.request('POST', '/v1/memories', { body: { content: 'Deploys happen on Tuesdays' } }),
  },
  {
    route: 'POST /v1/memories/import',
    action: 'memory.import',
    call: (h) =>
      h.request('POST', '/v1/memories/import', {
        body: { items: [{ content: 'Releases are cut on Thursdays', source: 'audit.jsonl' }] },
      }),
  },
  {
    route: 'DELETE /v1/memories/{id}',
    action: 'memory.delete',
    call: (h, ids) => h.request('DELETE', `/v1/memories/${ids.memoryId}?reason=obsolete`),
  },
  {
    route: 'POST /v1/tasks',
    action: 'task.create',
    call: (h) => h.request('POST', '/v1/tasks', { body: { kind: 'echo', payload: { n: 1 } } }),
  },
  {
    route: 'POST /v1/tasks/{id}/cancel',
    action: 'task.cancel',
    call: (h, ids) => h.request('POST', `/v1/tasks/${ids.taskId}/cancel`),
  },
  {
    route: 'POST /v1/chat/completions',
    action: 'message.create',
    call: (h) =>
      h.request('POST', '/v1/chat/completions', {
        body: { model: 'helper', stream: true, messages: [{ role: 'user', content: 'hello' }] },
      }),
  },
  {
    route: 'POST /v1/ui-chat',
    action: 'message.create',
    call: (h, ids) =>
      h.request('POST', '/v1/ui-chat', {
        body: {
          id: ids.chatId,
          trigger: 'submit-message',
          messages: [{ id: 'msg-audit', role: 'user', parts: [{ type: 'text', text: 'hello again' }] }],
        },
      }),
  },
  {
    route: 'POST /mcp',
    action: 'memory.create',
    // The answer streams (SSE): read it whole, the tool has run when it ends.
    call: async (h) => {
      const response = await h.request('POST', '/mcp', {
        headers: { Accept: 'application/json, text/event-stream' },
        body: {
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: 'add_memory', arguments: { content: 'Audited through MCP' } },
        },
      });
      const text = await response.text();
      if (!text.includes('created')) throw new Error(`the tool did not store: ${text}`);
      return new Response(text, { status: response.status, headers: response.headers });
    },
  },
  {
    route: 'POST /a2a',
    action: 'message.create',
    call: (h) =>
      h.request('POST', '/a2a', {
        body: {
          jsonrpc: '2.0',
          id: 1,
          method: 'SendMessage',
          params: {
            message: {
              messageId: 'm-1',
              role: 'ROLE_USER',
              parts: [{ text: 'hi' }],
              metadata: { agent: 'helper' },
            },
            configuration: { returnImmediately: true },
          },
        },
      }),
  },
  {
    route: 'POST /a2a/agents/{agent}',
    action: 'run.cancel',
    call: async (h, ids) => {
      const sent = await h.request('POST', '/a2a/agents/helper', {
        body: {
          jsonrpc: '2.0',
          id: 1,
          method: 'SendMessage',
          params: {
            message: { messageId: 'm-2', role: 'ROLE_USER', parts: [{ text: 'hi' }], contextId: ids.chatId },
            configuration: { returnImmediately: true },
          },
        },
      });
      const { result } = (await sent.json()) as { result: { task: { id: string } } };
      return h.request('POST', '/a2a/agents/helper', {
        body: { jsonrpc: '2.0', id: 2, method: 'CancelTask', params: { id: result.task.id } },
      });
    },
  },
  {
    route: 'POST /v1/stream-tokens',
    unaudited: 'signs a short-lived token for the caller’s own key; nothing is stored or changed',
  },
  {
    route: 'POST /v1/schedules',
    action: 'schedule.create',
    call: (h) =>
      h.request('POST', '/v1/schedules', {
        body: {
          name: 'audited',
          intervalMs: 60_000,
          target: { kind: 'agent', agent: 'helper', prompt: 'hi' },
        },
      }),
  },
  {
    route: 'PATCH /v1/schedules/{id}',
    action: 'schedule.pause',
    call: (h) => h.request('PATCH', '/v1/schedules/audited', { body: { enabled: false } }),
  },
  {
    route: 'DELETE /v1/schedules/{id}',
    action: 'schedule.delete',
    call: (h) => h.request('DELETE', '/v1/schedules/audited'),
  },
  {
    route: 'POST /v1/workflows',
    action: 'workflow.apply',
    call: (h) =>
      h.request('POST', '/v1/workflows', {
        body: {
          definition: { name: 'audited-flow', steps: [{ id: 'ask', type: 'approval', prompt: 'go?' }] },
        },
      }),
  },
  {
    route: 'POST /v1/workflows/validate',
    unaudited: 'checks a definition and returns it; nothing is stored or changed',
  },
  {
    route: 'POST /v1/workflow-runs',
    action: 'workflow.run',
    call: (h) => h.request('POST', '/v1/workflow-runs', { body: { workflow: 'audited-flow' } }),
  },
  {
    route: 'POST /v1/workflow-runs/{id}/cancel',
    action: 'workflow_run.cancel',
    call: async (h) => {
      const run = await json<{ id: string }>(
        h.request('POST', '/v1/workflow-runs', { body: { workflow: 'audited-flow' } }),
      );
      return h.request('POST', `/v1/workflow-runs/${run.id}/cancel`);
    },
  },
  {
    route: 'POST /v1/workflow-runs/{id}/approvals',
    action: 'workflow_run.approve',
    provenIn: 'src/http/routes/workflows.test.ts',
  },
  {
    route: 'PUT /v1/budgets/org',
    action: 'budget.set',
    call: (h) => h.request('PUT', '/v1/budgets/org', { body: { maxTokensPerMonth: 1_000_000_000 } }),
  },
  {
    route: 'DELETE /v1/budgets/org',
    action: 'budget.delete',
    call: (h) => h.request('DELETE', '/v1/budgets/org'),
  },
  {
    route: 'PUT /v1/budgets/agents/{id}',
    action: 'budget.set',
    call: (h) => h.request('PUT', '/v1/budgets/agents/helper', { body: { maxCostUsdPerMonth: 1000 } }),
  },
  {
    route: 'DELETE /v1/budgets/agents/{id}',
    action: 'budget.delete',
    call: (h) => h.request('DELETE', '/v1/budgets/agents/helper'),
  },
  {
    route: 'POST /v1/missions',
    action: 'mission.create',
    call: (h) => h.request('POST', '/v1/missions', { body: { goal: 'write the release notes' } }),
  },
  {
    route: 'POST /v1/missions/{id}/checkpoints/approve',
    action: 'mission.checkpoint.approve',
    provenIn: 'src/orchestration/mission-control.test.ts',
  },
  {
    route: 'POST /v1/missions/{id}/stop',
    action: 'mission.stop',
    call: (h, ids) => h.request('POST', `/v1/missions/${ids.missionId}/stop`, { body: { reason: 'done' } }),
  },
  {
    route: 'POST /v1/stop',
    action: 'org.stop',
    call: (h) => h.request('POST', '/v1/stop', { body: { reason: 'drill' } }),
  },
  {
    route: 'POST /v1/mcp-servers',
    action: 'mcp-server.create',
    call: (h) =>
      h.request('POST', '/v1/mcp-servers', {
        body: { name: 'audited-mcp', transport: { type: 'http', url: 'http://127.0.0.1:9/mcp' } },
      }),
  },
  {
    route: 'PATCH /v1/mcp-servers/{id}',
    action: 'mcp-server.update',
    call: (h) => h.request('PATCH', '/v1/mcp-servers/audited-mcp', { body: { description: 'edited' } }),
  },
  {
    route: 'DELETE /v1/mcp-servers/{id}',
    action: 'mcp-server.delete',
    call: (h) => h.request('DELETE', '/v1/mcp-servers/audited-mcp'),
  },
  {
    route: 'POST /v1/secrets',
    action: 'secret.create',
    call: (h) => h.request('POST', '/v1/secrets', { body: { name: 'AUDITED', value: 'audited-value-1' } }),
  },
  {
    route: 'POST /v1/secrets/{id}/versions',
    action: 'secret.rotate',
    call: (h) => h.request('POST', '/v1/secrets/AUDITED/versions', { body: { value: 'audited-value-2' } }),
  },
  {
    route: 'POST /v1/secrets/{id}/grants',
    action: 'secret.grant',
    call: (h, ids) => h.request('POST', '/v1/secrets/AUDITED/grants', { body: { chat: ids.chatId } }),
  },
  {
    route: 'DELETE /v1/secrets/{id}/grants/{grantId}',
    action: 'secret.revoke',
    call: async (h) => {
      const { grants } = await json<{ grants: Array<{ id: string }> }>(
        h.request('GET', '/v1/secrets/AUDITED/grants'),
      );
      return h.request('DELETE', `/v1/secrets/AUDITED/grants/${grants[0]?.id}`);
    },
  },
  {
    route: 'DELETE /v1/secrets/{id}',
    action: 'secret.delete',
    call: (h) => h.request('DELETE', '/v1/secrets/AUDITED'),
  },
  {
    route: 'POST /v1/webhooks',
    action: 'webhook.create',
    call: (h) =>
      h.request('POST', '/v1/webhooks', {
        body: { url: 'http://93.184.215.14/hooks', eventTypes: ['run-succeeded'] },
      }),
  },
  {
    route: 'PATCH /v1/webhooks/{id}',
    action: 'webhook.update',
    call: async (h) => h.request('PATCH', `/v1/webhooks/${await webhookId(h)}`, { body: { enabled: false } }),
  },
  {
    route: 'POST /v1/webhooks/{id}/rotate-secret',
    action: 'webhook.rotate-secret',
    call: async (h) => h.request('POST', `/v1/webhooks/${await webhookId(h)}/rotate-secret`),
  },
  { route: 'POST /v1/webhooks/{id}/ping', action: 'webhook.ping', provenIn: 'src/webhooks/webhooks.test.ts' },
  {
    route: 'POST /v1/webhooks/{id}/deliveries/{deliveryId}/redeliver',
    action: 'webhook.redeliver',
    provenIn: 'src/webhooks/webhooks.test.ts',
  },
  {
    route: 'DELETE /v1/webhooks/{id}',
    action: 'webhook.delete',
    call: async (h) => h.request('DELETE', `/v1/webhooks/${await webhookId(h)}`),
  },
  {
    route: 'DELETE /v1/workflows/{id}',
    action: 'workflow.delete',
    call: async (h) => {
      const runs = await json<{ runs: Array<{ id: string; status: string }> }>(
        h.request('GET', '/v1/workflow-runs?workflow=audited-flow'),
      );
      for (const run of runs.runs) await h.request('POST', `/v1/workflow-runs/${run.id}/cancel`);
      return h.request('DELETE', '/v1/workflows/audited-flow');
    },
  },
  {
    route: 'DELETE /v1/agents/{id}',
    action: 'agent.delete',
    call: (h, ids) => h.request('DELETE', `/v1/agents/${ids.agentId}`),
  },
];

describe.each(testDialects)('every mutation is audited on %s', (dialect) => {
  let harness: HttpHarness;
  let ids: Ids;

  beforeAll(async () => {
    harness = await createHttpHarness(dialect);
    const agent = await json<{ id: string }>(
      harness.request('POST', '/v1/agents', { body: { name: 'helper' } }),
    );
    const chat = await json<{ id: string }>(
      harness.request('POST', '/v1/chats', { body: { agent: 'helper' } }),
    );
    const posted = await json<{ run: { id: string } }>(
      harness.request('POST', `/v1/chats/${chat.id}/messages`, { body: { content: 'hi' } }),
    );
    const key = await json<{ apiKey: { id: string } }>(
      harness.request('POST', '/v1/keys', { body: { name: 'to revoke', role: 'viewer' } }),
    );
    const memory = await json<{ memory: { id: string } }>(
      harness.request('POST', '/v1/memories', { body: { content: 'The staging database is called ember' } }),
    );
    const task = await json<{ id: string }>(
      harness.request('POST', '/v1/tasks', { body: { kind: 'echo', payload: {} } }),
    );
    const mission = await json<{ id: string }>(
      harness.request('POST', '/v1/missions', { body: { goal: 'do a thing' } }),
    );
    ids = {
      agentId: agent.id,
      chatId: chat.id,
      runId: posted.run.id,
      keyId: key.apiKey.id,
      memoryId: memory.memory.id,
      taskId: task.id,
      missionId: mission.id,
    };
  });
  afterAll(async () => {
    await harness.close();
  });

  it('lists every mutating route of /openapi.json', async () => {
    const spec = await json<{ paths: Record<string, Record<string, unknown>> }>(
      harness.request('GET', '/openapi.json'),
    );
    const mutating = Object.entries(spec.paths).flatMap(([path, operations]) =>
      Object.keys(operations)
        .filter((method) => mutatingMethods.has(method))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(mutating.length).toBeGreaterThan(10);
    expect(cases.map((entry) => entry.route).sort()).toEqual(mutating.sort());
  });

  it.each(cases.filter((entry) => 'call' in entry))(
    '$route writes $action with who, what and the request id',
    async (entry) => {
      if (!('call' in entry)) return;
      const response = await entry.call(harness, ids);
      // A streamed answer (no workers here) would never end: read the body only on failure.
      if (response.status >= 300) throw new Error(`${response.status}: ${await response.text()}`);
      await response.body?.cancel();
      const rows = await harness.auditOf(response);
      expect(rows).toContainEqual(
        expect.objectContaining({
          org_id: harness.orgId,
          actor_kind: 'api_key',
          actor_id: expect.stringMatching(/^key_/),
          action: entry.action,
          request_id: response.headers.get('X-Request-Id'),
        }),
      );
    },
  );
});
