import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpHarness, type HttpHarness } from '../http/test-support/http-harness.js';
import { testDialects } from '../storage/test-support/databases.js';
import { stdioFixture } from './test-support/fixture.js';
import { type HttpFixture, startHttpFixture } from './test-support/http-fixture.js';

interface RunView {
  id: string;
  status: string;
  steps: Array<{ kind: string; status: string; toolName: string | null; payload: Record<string, unknown> }>;
}

describe.each(testDialects)('MCP servers over HTTP, and servers that fail, on %s', (dialect) => {
  let harness: HttpHarness;
  let web: HttpFixture;
  beforeAll(async () => {
    web = await startHttpFixture();
    harness = await createHttpHarness(dialect, {
      workers: true,
      config: { mcp: { stdioCommands: [process.execPath], callTimeoutMs: 1000, connectTimeoutMs: 1500 } },
    });
    const servers = [
      { name: 'web', transport: { type: 'http', url: web.url } },
      { name: 'down', transport: { type: 'http', url: 'http://127.0.0.1:9/mcp' } },
      stdioFixture('slow'),
      stdioFixture('garbage', { MCP_FIXTURE_MODE: 'garbage' }),
    ];
    for (const body of servers) {
      expect((await harness.request('POST', '/v1/mcp-servers', { body })).status).toBe(201);
    }
    await harness.request('POST', '/v1/agents', {
      body: {
        name: 'caller',
        tools: ['mcp:web/echo', 'mcp:down/echo', 'mcp:slow/sleep', 'mcp:garbage/echo', 'mcp:down/*'],
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await web.close();
  });

  async function run(content: string): Promise<RunView> {
    const chat = (await (
      await harness.request('POST', '/v1/chats', { body: { agent: 'caller' } })
    ).json()) as {
      id: string;
    };
    const posted = (await (
      await harness.request('POST', `/v1/chats/${chat.id}/messages`, { body: { content } })
    ).json()) as { run: { id: string } };
    return { id: posted.run.id, ...(await harness.waitForRun<Omit<RunView, 'id'>>(posted.run.id)) };
  }

  async function failureEvents(runId: string) {
    const rows = await harness.colony.database.db
      .selectFrom('event')
      .select(['payload'])
      .where('type', '=', 'mcp-server-failed')
      .where('run_id', '=', runId)
      .execute();
    return rows.map((row) => JSON.parse(String(row.payload)) as { server: string; error: string });
  }

  it('calls a tool of a streamable HTTP server', async () => {
    const result = await run('/tool mcp__web__echo {"text":"over http"}');
    expect(result.status).toBe('succeeded');
    const step = result.steps.find((each) => each.kind === 'tool');
    expect(step?.payload.output).toEqual({ content: [{ type: 'text', text: 'echo: over http' }] });
    expect(web.calls()).toBe(1);
  });

  it.each([
    ['down', '/tool mcp__down__echo {"text":"x"}', /could not be started or reached/],
    ['slow', '/tool mcp__slow__sleep {"ms":5000}', /timed out|timeout/i],
    ['garbage', '/tool mcp__garbage__echo {"text":"x"}', /could not be started or reached/],
  ])(
    'a %s server gives the model a tool error and an event; the run goes on',
    async (server, content, error) => {
      const result = await run(content);
      expect(result.status).toBe('succeeded');
      const step = result.steps.find((each) => each.kind === 'tool');
      expect(step?.status).toBe('failed');
      expect(String(step?.payload.error)).toMatch(error);
      const events = await failureEvents(result.id);
      expect(events.map((event) => event.server)).toEqual([server]);
      expect(events[0]?.error).toMatch(error);
      const answer = result.steps.at(-1);
      expect(String(answer?.payload.text)).toContain(`Tool mcp__${server}__`);
    },
  );
});
