import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../storage/test-support/databases.js';
import { createHttpHarness, type HttpHarness } from './test-support/http-harness.js';

interface RunView {
  status: string;
  steps: Array<{ status: string; toolCallId: string | null; toolName: string | null }>;
}

describe.each(testDialects)(
  'acting tools over the API: approval policies, expiry, run_javascript on %s',
  (dialect) => {
    let harness: HttpHarness;
    let probe: Server;
    const hits: string[] = [];
    /** Long enough to approve in time on a busy machine, short enough to watch one expire. */
    const ttlMs = 4_000;

    beforeAll(async () => {
      probe = createServer((request, response) => {
        hits.push(`${request.method} ${request.url}`);
        request.resume();
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"ok":true}');
      });
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const baseUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/api`;
      harness = await createHttpHarness(dialect, {
        workers: true,
        env: { COLONY_HTTP_ALLOW_PRIVATE: 'true', COLONY_APPROVAL_TTL_MS: String(ttlMs) },
      });
      const endpoints = { probe: { baseUrl, methods: ['GET', 'POST'] } };
      const agents = [
        { name: 'default-policy', tools: ['http_request'], endpoints },
        {
          name: 'trusted',
          tools: ['http_request'],
          endpoints,
          approvals: { tools: { http_request: 'never' } },
        },
        { name: 'strict', tools: ['get_time', 'http_request'], endpoints, approvals: { default: 'always' } },
        { name: 'coder', tools: ['run_javascript'] },
      ];
      for (const body of agents) {
        const created = await harness.request('POST', '/v1/agents', { body });
        expect(created.status).toBe(201);
      }
    });

    afterAll(async () => {
      await harness.close();
      probe.closeAllConnections();
      await new Promise((resolve) => probe.close(resolve));
    });

    async function start(agent: string, content: string): Promise<string> {
      const chat = (await (await harness.request('POST', '/v1/chats', { body: { agent } })).json()) as {
        id: string;
      };
      const posted = await harness.request('POST', `/v1/chats/${chat.id}/messages`, { body: { content } });
      return ((await posted.json()) as { run: { id: string } }).run.id;
    }

    /** The run once it finished or waits for a human. */
    async function settled(runId: string): Promise<RunView> {
      for (let attempt = 0; attempt < 600; attempt++) {
        const run = (await (await harness.request('GET', `/v1/runs/${runId}`)).json()) as RunView;
        if (['waiting', 'succeeded', 'failed', 'canceled'].includes(run.status)) return run;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`run ${runId} did not settle`);
    }

    async function eventsOf(runId: string, type: string) {
      const rows = await harness.colony.database.db
        .selectFrom('event')
        .select('payload')
        .where('run_id', '=', runId)
        .where('type', '=', type)
        .execute();
      return rows.map((row) => JSON.parse(row.payload) as Record<string, unknown>);
    }

    const call = (input: object) => `/tool http_request ${JSON.stringify(input)}`;

    it('by default lets GET through and holds POST for a human', async () => {
      const read = await start('default-policy', call({ endpoint: 'probe', path: 'items' }));
      expect((await settled(read)).status).toBe('succeeded');
      expect(hits).toContain('GET /api/items');

      const write = await start(
        'default-policy',
        call({ endpoint: 'probe', method: 'POST', path: 'items', body: {} }),
      );
      const waiting = await settled(write);
      expect(waiting.status).toBe('waiting');
      const step = waiting.steps.find((candidate) => candidate.status === 'awaiting-approval');
      const [requested] = await eventsOf(write, 'tool-call-approval-requested');
      expect(requested?.expiresAt).toEqual(expect.any(Number));
      expect(hits).not.toContain('POST /api/items');
      const stranger = await harness.request('POST', `/v1/runs/${write}/approvals`, {
        key: harness.keys.otherOrg,
        body: { toolCallId: step?.toolCallId, decision: 'approve' },
      });
      expect(stranger.status).toBe(404);
      const approved = await harness.request('POST', `/v1/runs/${write}/approvals`, {
        body: { toolCallId: step?.toolCallId, decision: 'approve' },
      });
      expect(approved.status).toBe(200);
      expect((await harness.waitForRun(write)).status).toBe('succeeded');
      expect(hits.filter((hit) => hit === 'POST /api/items')).toHaveLength(1);
    });

    it("follows the agent's policy per tool and its default", async () => {
      const trusted = await start(
        'trusted',
        call({ endpoint: 'probe', method: 'POST', path: 'trusted', body: 1 }),
      );
      expect((await settled(trusted)).status).toBe('succeeded');
      expect(hits).toContain('POST /api/trusted');
      const strict = await start('strict', '/tool get_time {}');
      const waiting = await settled(strict);
      expect(waiting.status).toBe('waiting');
      expect(waiting.steps.find((step) => step.status === 'awaiting-approval')?.toolName).toBe('get_time');
      const unknown = await harness.request('POST', '/v1/agents', {
        body: { name: 'typo', approvals: { tools: { htp_request: 'never' } } },
      });
      expect(unknown.status).toBe(400);
      expect(JSON.stringify(await unknown.json())).toContain('approvals.tools.htp_request');
    });

    it('rejects a call nobody decided on in time; the model is told why, and a late decision conflicts', async () => {
      const write = await start(
        'default-policy',
        call({ endpoint: 'probe', method: 'POST', path: 'late', body: {} }),
      );
      const waiting = await settled(write);
      const toolCallId = waiting.steps.find((step) => step.status === 'awaiting-approval')?.toolCallId;
      const run = await harness.waitForRun<RunView>(write);
      expect(run.status).toBe('succeeded');
      expect(run.steps.find((step) => step.toolCallId === toolCallId)?.status).toBe('rejected');
      expect(hits).not.toContain('POST /api/late');
      const [expired] = await eventsOf(write, 'tool-call-approval-expired');
      expect(expired).toMatchObject({
        toolCallId,
        toolName: 'http_request',
        reason: expect.stringContaining('expired'),
      });
      const late = await harness.request('POST', `/v1/runs/${write}/approvals`, {
        body: { toolCallId, decision: 'approve' },
      });
      expect(late.status).toBe(409);
      const chatId = (
        await harness.colony.database.db
          .selectFrom('run')
          .select('conversation_id')
          .where('id', '=', write)
          .executeTakeFirstOrThrow()
      ).conversation_id;
      const messages = (await (await harness.request('GET', `/v1/chats/${chatId}/messages`)).json()) as {
        messages: Array<{ content: string }>;
      };
      expect(messages.messages.at(-1)?.content).toContain('the approval request expired');
    });

    it('runs JavaScript for an agent and shows the model the result', async () => {
      const code = 'console.log("squaring", input.length); input.map((n) => n * n)';
      const run = await start('coder', `/tool run_javascript ${JSON.stringify({ code, input: [1, 2, 3] })}`);
      expect((await harness.waitForRun(run)).status).toBe('succeeded');
      const [ended] = await eventsOf(run, 'tool-call-end');
      expect(ended?.output).toEqual({ result: [1, 4, 9], console: 'squaring 3\n', truncated: false });
    });
  },
);
