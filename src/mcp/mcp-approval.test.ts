import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpHarness, type HttpHarness } from '../http/test-support/http-harness.js';
import { testDialects } from '../storage/test-support/databases.js';
import { fixtureCalls, fixtureCallsFile, stdioFixture } from './test-support/fixture.js';

interface RunView {
  status: string;
  steps: Array<{ status: string; toolName: string | null }>;
}

describe.each(testDialects)('the mutating approval policy and MCP tools on %s', (dialect) => {
  let harness: HttpHarness;
  const calls = fixtureCallsFile();
  beforeAll(async () => {
    harness = await createHttpHarness(dialect, {
      workers: true,
      config: { mcp: { stdioCommands: [process.execPath] } },
    });
    const server = stdioFixture('fixture', { MCP_FIXTURE_CALLS: calls });
    expect((await harness.request('POST', '/v1/mcp-servers', { body: server })).status).toBe(201);
    const agent = { name: 'careful', tools: ['mcp:fixture/*'], approvals: { default: 'mutating' } };
    expect((await harness.request('POST', '/v1/agents', { body: agent })).status).toBe(201);
  });
  afterAll(() => harness.close());

  async function settled(content: string): Promise<RunView> {
    const chat = (await (
      await harness.request('POST', '/v1/chats', { body: { agent: 'careful' } })
    ).json()) as {
      id: string;
    };
    const posted = await harness.request('POST', `/v1/chats/${chat.id}/messages`, { body: { content } });
    const runId = ((await posted.json()) as { run: { id: string } }).run.id;
    for (let attempt = 0; attempt < 600; attempt++) {
      const run = (await (await harness.request('GET', `/v1/runs/${runId}`)).json()) as RunView;
      if (['waiting', 'succeeded', 'failed', 'canceled'].includes(run.status)) return run;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`run ${runId} did not settle`);
  }

  it('lets a tool the server marks readOnlyHint through, and holds one without it for a human', async () => {
    const read = await settled('/tool mcp__fixture__echo {"text":"hi"}');
    expect(read.status).toBe('succeeded');
    expect(read.steps.find((step) => step.toolName === 'mcp__fixture__echo')?.status).toBe('completed');

    const write = await settled('/tool mcp__fixture__count {"label":"held"}');
    expect(write.status).toBe('waiting');
    expect(write.steps.find((step) => step.toolName === 'mcp__fixture__count')?.status).toBe(
      'awaiting-approval',
    );
    expect(fixtureCalls(calls)).toEqual([]);
  });
});
