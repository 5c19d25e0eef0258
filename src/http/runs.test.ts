import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../storage/test-support/databases.js';
import { createHttpHarness, type HttpHarness } from './test-support/http-harness.js';

interface SseEvent {
  id: string | null;
  event: string;
  data: { type?: string; payload?: Record<string, unknown>; seq?: number };
}

/** Reads a whole SSE response (it ends when the run ends). */
async function readSse(response: Response): Promise<SseEvent[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.includes('data:'))
    .map((block) => {
      const lines = block.split('\n');
      const field = (name: string) =>
        lines
          .filter((line) => line.startsWith(`${name}:`))
          .map((line) => line.slice(name.length + 1).trimStart())
          .join('\n');
      return {
        id: field('id') || null,
        event: field('event'),
        data: JSON.parse(field('data')) as SseEvent['data'],
      };
    });
}

describe.each(testDialects)('agent runs over HTTP on %s', (dialect) => {
  let harness: HttpHarness;
  beforeAll(async () => {
    harness = await createHttpHarness(dialect, { workers: true, env: { COLONY_HTTP_APPROVAL: 'always' } });
    await harness.request('POST', '/v1/agents', {
      body: { name: 'echo', tools: ['get_time', 'http_request'] },
    });
  });
  /** A new chat with the echo agent. */
  async function newChat(): Promise<{ id: string }> {
    return (await (await harness.request('POST', '/v1/chats', { body: { agent: 'echo' } })).json()) as {
      id: string;
    };
  }

  /** Posts a message (JSON answer) and returns the queued run. */
  async function post(chatId: string, content: string): Promise<{ run: { id: string } }> {
    const response = await harness.request('POST', `/v1/chats/${chatId}/messages`, { body: { content } });
    return (await response.json()) as { run: { id: string } };
  }

  afterAll(async () => {
    await harness.close();
  });

  it('streams a run over SSE and persists the transcript', async () => {
    const chat = await newChat();
    const response = await harness.request('POST', `/v1/chats/${chat.id}/messages`, {
      body: { content: 'What time is it? /tool get_time {"timezone":"UTC"}' },
      headers: { Accept: 'text/event-stream' },
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = await readSse(response);
    const types = events.map((event) => event.event);
    expect(types[0]).toBe('run-queued');
    expect(types).toContain('run-started');
    expect(types).toContain('tool-call-started');
    expect(types).toContain('tool-call-end');
    expect(types).toContain('run-text-delta');
    expect(types.at(-1)).toBe('run-succeeded');
    const stored = events.filter((event) => event.id !== null).map((event) => Number(event.id));
    expect(stored).toEqual([...stored].sort((a, b) => a - b));
    expect(new Set(stored).size).toBe(stored.length);
    const deltas = events
      .filter((event) => event.event === 'run-text-delta')
      .map((event) => String(event.data.payload?.delta ?? ''))
      .join('');
    const messages = (await (await harness.request('GET', `/v1/chats/${chat.id}/messages`)).json()) as {
      messages: Array<{ role: string; content: string; runId: string | null }>;
    };
    expect(messages.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    expect(messages.messages[1]?.content).toContain('[offline model]');
    expect(messages.messages[1]?.content).toContain('Tool get_time returned');
    expect(deltas).toBe(messages.messages[1]?.content);
  });

  it('resumes an event stream with Last-Event-ID without gap or duplicate', async () => {
    const chat = await newChat();
    const posted = await post(chat.id, 'hello /tool get_time {}');
    await harness.waitForRun(posted.run.id);
    const all = (await readSse(await harness.request('GET', `/v1/runs/${posted.run.id}/events`))).filter(
      (event) => event.id,
    );
    expect(all.length).toBeGreaterThan(4);
    const cut = all[2]?.id ?? '0';
    const rest = (
      await readSse(
        await harness.request('GET', `/v1/runs/${posted.run.id}/events`, {
          headers: { 'Last-Event-ID': cut },
        }),
      )
    ).filter((event) => event.id);
    expect([...all.slice(0, 3), ...rest].map((event) => event.id)).toEqual(all.map((event) => event.id));
  });

  it('processes concurrent messages to one chat one run at a time, in order', async () => {
    const chat = await newChat();
    const posted = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        harness
          .request('POST', `/v1/chats/${chat.id}/messages`, { body: { content: `message ${index}` } })
          .then((response) => response.json() as Promise<{ message: { seq: number }; run: { id: string } }>),
      ),
    );
    const runs = [];
    for (const item of posted)
      runs.push({ seq: item.message.seq, ...(await harness.waitForRun(item.run.id)) });
    const rows = await harness.colony.database.db
      .selectFrom('run')
      .innerJoin('message', 'message.id', 'run.trigger_message_id')
      .select(['run.started_at', 'run.finished_at', 'message.seq'])
      .where('run.conversation_id', '=', chat.id)
      .orderBy('message.seq')
      .execute();
    expect(rows).toHaveLength(6);
    for (let index = 1; index < rows.length; index++) {
      const previous = rows[index - 1];
      const current = rows[index];
      expect(Number(current?.started_at)).toBeGreaterThanOrEqual(Number(previous?.finished_at));
    }
    const messages = (await (await harness.request('GET', `/v1/chats/${chat.id}/messages`)).json()) as {
      messages: Array<{ role: string }>;
    };
    expect(messages.messages).toHaveLength(12);
  });

  it('waits for approval, and a rejection is reported to the model', async () => {
    const chat = await newChat();
    const posted = await post(chat.id, '/tool http_request {"url":"http://127.0.0.1:9/never"}');
    let toolCallId: string | undefined;
    for (let attempt = 0; attempt < 200 && !toolCallId; attempt++) {
      const run = (await (await harness.request('GET', `/v1/runs/${posted.run.id}`)).json()) as {
        status: string;
        steps: Array<{ status: string; toolCallId: string }>;
      };
      if (run.status === 'waiting')
        toolCallId = run.steps.find((step) => step.status === 'awaiting-approval')?.toolCallId;
      else await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(toolCallId).toBeDefined();
    const viewer = await harness.request('POST', `/v1/runs/${posted.run.id}/approvals`, {
      key: harness.keys.viewer,
      body: { toolCallId, decision: 'approve' },
    });
    expect(viewer.status).toBe(403);
    const decided = await harness.request('POST', `/v1/runs/${posted.run.id}/approvals`, {
      body: { toolCallId, decision: 'reject', reason: 'not today' },
    });
    expect(decided.status).toBe(200);
    expect(await harness.auditOf(decided)).toEqual([
      expect.objectContaining({
        action: 'tool-call.reject',
        resource_type: 'run',
        resource_id: posted.run.id,
      }),
    ]);
    const again = await harness.request('POST', `/v1/runs/${posted.run.id}/approvals`, {
      body: { toolCallId, decision: 'approve' },
    });
    expect(again.status).toBe(409);
    const run = await harness.waitForRun(posted.run.id);
    expect(run.status).toBe('succeeded');
    const messages = (await (await harness.request('GET', `/v1/chats/${chat.id}/messages`)).json()) as {
      messages: Array<{ content: string }>;
    };
    expect(messages.messages.at(-1)?.content).toContain('was rejected: not today');
  });

  it('cancels a waiting run', async () => {
    const chat = await newChat();
    const posted = await post(chat.id, '/tool http_request {"url":"http://127.0.0.1:9/never"}');
    for (let attempt = 0; attempt < 200; attempt++) {
      const run = (await (await harness.request('GET', `/v1/runs/${posted.run.id}`)).json()) as {
        status: string;
      };
      if (run.status === 'waiting') break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const canceled = await harness.request('POST', `/v1/runs/${posted.run.id}/cancel`);
    expect(canceled.status).toBe(200);
    expect(await canceled.json()).toMatchObject({ status: 'canceled' });
    const next = (await (
      await harness.request('POST', `/v1/chats/${chat.id}/messages`, { body: { content: 'still there?' } })
    ).json()) as { run: { id: string } };
    expect((await harness.waitForRun(next.run.id)).status).toBe('succeeded');
  });

  it('records the agent version each run used, and usage', async () => {
    await harness.request('PATCH', '/v1/agents/echo', { body: { instructions: 'Version two.' } });
    const chat = await newChat();
    const posted = await post(chat.id, 'hi');
    await harness.waitForRun(posted.run.id);
    const run = (await (await harness.request('GET', `/v1/runs/${posted.run.id}`)).json()) as {
      agentVersion: number;
      usage: { inputTokens: number; outputTokens: number };
    };
    expect(run.agentVersion).toBe(2);
    expect(run.usage.outputTokens).toBeGreaterThan(0);
    const usage = await harness.colony.database.db
      .selectFrom('usage_log')
      .selectAll()
      .where('run_id', '=', posted.run.id)
      .execute();
    expect(usage).toHaveLength(1);
    expect(usage[0]?.provider).toBe('offline');
  });

  it('streams the org firehose filtered by type, and other orgs see none of it', async () => {
    const firehose = await harness.request('GET', '/v1/events?types=run-succeeded,message-created', {
      headers: { Accept: 'text/event-stream' },
    });
    const other = await harness.request('GET', '/v1/events', { key: harness.keys.otherOrg });
    const chat = await newChat();
    const posted = await post(chat.id, 'firehose');
    await harness.waitForRun(posted.run.id);
    const reader = firehose.body?.getReader();
    let text = '';
    // The firehose starts at now; the run's last event is its `run-succeeded`.
    while (reader && !new RegExp(`event: run-succeeded\\n.*${posted.run.id}`).test(text)) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    await reader?.cancel();
    const types = [...text.matchAll(/^event: (.+)$/gm)].map((match) => match[1]);
    expect(new Set(types)).toEqual(new Set(['run-succeeded', 'message-created']));
    const otherReader = other.body?.getReader();
    const first = await Promise.race([
      otherReader?.read().then((chunk) => new TextDecoder().decode(chunk?.value)),
      new Promise<string>((resolve) => setTimeout(() => resolve(''), 300)),
    ]);
    expect(first).not.toContain(posted.run.id);
    await otherReader?.cancel();
  });
});
