import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpHarness, type HttpHarness } from '../http/test-support/http-harness.js';
import { testDialects } from '../storage/test-support/databases.js';

// The reference server of the MCP project, built on the v1 SDK: it speaks 2025-11-25 only, so
// Colony's client falls back from the 2026-07-28 discovery to the older handshake.
const everything = createRequire(import.meta.url).resolve(
  '@modelcontextprotocol/server-everything/dist/index.js',
);

interface RunView {
  status: string;
  steps: Array<{ kind: string; status: string; toolName: string | null; payload: Record<string, unknown> }>;
}

describe.each(testDialects)('@modelcontextprotocol/server-everything on %s', (dialect) => {
  let harness: HttpHarness;
  beforeAll(async () => {
    harness = await createHttpHarness(dialect, {
      workers: true,
      config: { mcpServers: { everything: { command: process.execPath, args: [everything, 'stdio'] } } },
    });
  });
  afterAll(async () => {
    await harness.close();
  });

  it('an agent calls its tools through the older protocol version', async () => {
    const agent = await harness.request('POST', '/v1/agents', {
      body: { name: 'everything', tools: ['mcp:everything/*'] },
    });
    expect(agent.status).toBe(201);
    const chat = (await (
      await harness.request('POST', '/v1/chats', { body: { agent: 'everything' } })
    ).json()) as {
      id: string;
    };
    const posted = (await (
      await harness.request('POST', `/v1/chats/${chat.id}/messages`, {
        body: {
          content:
            '/tool mcp__everything__get-sum {"a":1,"b":2} /tool mcp__everything__echo {"message":"hi"}',
        },
      })
    ).json()) as { run: { id: string } };
    const run = await harness.waitForRun<RunView>(posted.run.id);
    expect(run.status).toBe('succeeded');
    const outputs = run.steps.filter((step) => step.kind === 'tool').map((step) => step.payload.output);
    expect(outputs).toEqual([
      { content: [{ type: 'text', text: 'The sum of 1 and 2 is 3.' }] },
      { content: [{ type: 'text', text: 'Echo: hi' }] },
    ]);
  }, 60_000);
});
