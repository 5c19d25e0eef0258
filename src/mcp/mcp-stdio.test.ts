import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpHarness, type HttpHarness } from '../http/test-support/http-harness.js';
import { testDialects } from '../storage/test-support/databases.js';
import { fixtureCalls, fixtureCallsFile, stdioFixture } from './test-support/fixture.js';

interface RunView {
  status: string;
  steps: Array<{ kind: string; status: string; toolName: string | null; payload: Record<string, unknown> }>;
}

describe.each(testDialects)('MCP tools over stdio on %s', (dialect) => {
  let harness: HttpHarness;
  const calls = fixtureCallsFile();
  beforeAll(async () => {
    harness = await createHttpHarness(dialect, {
      workers: true,
      config: { mcp: { stdioCommands: [process.execPath] } },
    });
    const created = await harness.request('POST', '/v1/mcp-servers', {
      body: stdioFixture('fixture', { MCP_FIXTURE_CALLS: calls }),
    });
    expect(created.status).toBe(201);
  });
  afterAll(async () => {
    await harness.close();
  });

  async function run(agent: string, content: string): Promise<RunView> {
    const chat = (await (await harness.request('POST', '/v1/chats', { body: { agent } })).json()) as {
      id: string;
    };
    const posted = (await (
      await harness.request('POST', `/v1/chats/${chat.id}/messages`, { body: { content } })
    ).json()) as { run: { id: string } };
    return harness.waitForRun<RunView>(posted.run.id);
  }

  it('an agent calls a tool it lists as mcp:<server>/<tool>', async () => {
    const agent = await harness.request('POST', '/v1/agents', {
      body: { name: 'one-tool', tools: ['mcp:fixture/echo'] },
    });
    expect(agent.status).toBe(201);
    const result = await run('one-tool', 'say /tool mcp__fixture__echo {"text":"hello"}');
    expect(result.status).toBe('succeeded');
    const step = result.steps.find((each) => each.kind === 'tool');
    expect(step).toMatchObject({ status: 'completed', toolName: 'mcp__fixture__echo' });
    expect(step?.payload.output).toEqual({ content: [{ type: 'text', text: 'echo: hello' }] });
  });

  it('mcp:<server>/* offers every tool of the server', async () => {
    await harness.request('POST', '/v1/agents', { body: { name: 'all-tools', tools: ['mcp:fixture/*'] } });
    const result = await run('all-tools', '/tool mcp__fixture__count {"label":"star"}');
    expect(result.status).toBe('succeeded');
    expect(fixtureCalls(calls)).toContain('star');
  });

  it('a tool error of the server reaches the model as a failed step; the run goes on', async () => {
    const result = await run('one-tool', '/tool mcp__fixture__echo {"text":42}');
    expect(result.status).toBe('succeeded');
    const step = result.steps.find((each) => each.kind === 'tool');
    expect(step?.status).toBe('failed');
    expect(String(step?.payload.error)).toContain('Invalid arguments for tool echo');
  });

  it('refuses an agent naming an unknown server, naming the field', async () => {
    const response = await harness.request('POST', '/v1/agents', {
      body: { name: 'unknown', tools: ['get_time', 'mcp:nowhere/echo'] },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { details: { fields: Array<{ path: string }> } } };
    expect(body.error.details.fields[0]?.path).toBe('tools.1');
  });
});
