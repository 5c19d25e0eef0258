import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpHarness, type HttpHarness } from '../http/test-support/http-harness.js';
import { testDialects } from '../storage/test-support/databases.js';

const directive = (tool: string, input: unknown) => `/tool ${tool} ${JSON.stringify(input)}`;

async function say(harness: HttpHarness, agent: string, content: string) {
  const chat = (await (await harness.request('POST', '/v1/chats', { body: { agent } })).json()) as {
    id: string;
  };
  const posted = (await (
    await harness.request('POST', `/v1/chats/${chat.id}/messages`, { body: { content } })
  ).json()) as { run: { id: string } };
  const run = await harness.waitForRun<{ status: string }>(posted.run.id);
  const messages = (await (await harness.request('GET', `/v1/chats/${chat.id}/messages`)).json()) as {
    messages: Array<{ role: string; content: string }>;
  };
  return { run, runId: posted.run.id, answer: messages.messages.at(-1)?.content ?? '' };
}

describe.each(testDialects)('delegation and agent messaging on %s', (dialect) => {
  let harness: HttpHarness;
  beforeAll(async () => {
    harness = await createHttpHarness(dialect, {
      workers: true,
      config: { workers: 4 },
      env: { COLONY_HTTP_APPROVAL: 'always' },
    });
    const tools = ['delegate', 'send_message', 'ask_agent', 'check_inbox'];
    await harness.request('POST', '/v1/agents', { body: { name: 'lead', tools } });
    await harness.request('POST', '/v1/agents', { body: { name: 'middle', tools } });
    await harness.request('POST', '/v1/agents', {
      body: {
        name: 'mathematician',
        tools,
        capabilities: { text: 'arithmetic and algebra', tags: ['math'] },
      },
    });
    await harness.request('POST', '/v1/agents', {
      body: { name: 'writer', capabilities: { text: 'prose', tags: ['writing'] } },
    });
    await harness.request('POST', '/v1/agents', { body: { name: 'gated', tools: ['http_request'] } });
  });
  afterAll(async () => {
    await harness.close();
  });

  it('delegates three levels deep; each parent resumes with its child’s answer', async () => {
    const innermost = 'compute 6 times 7';
    const middleTask = `please ${directive('delegate', { to: 'mathematician', task: innermost })}`;
    const { run, runId, answer } = await say(
      harness,
      'lead',
      directive('delegate', {
        to: 'middle',
        task: middleTask,
        context: 'the user wants a number',
        nextSteps: ['answer'],
      }),
    );
    expect(run.status).toBe('succeeded');
    expect(answer).toContain('Tool delegate returned');
    // The middle agent's answer (nested in the lead's) itself reports its own delegation's result.
    expect(answer.split('Tool delegate returned').length - 1).toBe(2);
    const handoffs = await harness.colony.database.db
      .selectFrom('agent_handoff')
      .selectAll()
      .orderBy('depth')
      .execute();
    const chain = handoffs.filter(
      (row) =>
        row.parent_run_id === runId || handoffs.some((other) => other.child_run_id === row.parent_run_id),
    );
    expect(chain.map((row) => Number(row.depth))).toEqual([1, 2]);
    const middleChat = await harness.colony.database.db
      .selectFrom('message')
      .select('content')
      .where('conversation_id', '=', chain[0]?.child_chat_id ?? '')
      .orderBy('seq')
      .executeTakeFirstOrThrow();
    expect(middleChat.content).toContain('Handoff from agent "lead"');
    expect(middleChat.content).toContain('Context: the user wants a number');
    const innermostAnswer = await harness.colony.database.db
      .selectFrom('message')
      .select('content')
      .where('conversation_id', '=', chain[1]?.child_chat_id ?? '')
      .where('role', '=', 'assistant')
      .executeTakeFirstOrThrow();
    expect(innermostAnswer.content).toContain(innermost);
  });

  it('routes by capability when no agent is named', async () => {
    const { answer } = await say(
      harness,
      'lead',
      directive('delegate', { capability: 'math', task: 'add 2 and 2' }),
    );
    expect(answer).toContain('Tool delegate returned');
    const handoff = await harness.colony.database.db
      .selectFrom('agent_handoff')
      .innerJoin('agent', 'agent.id', 'agent_handoff.to_agent_id')
      .select(['agent.name', 'agent_handoff.routing'])
      .where('agent_handoff.task', '=', 'add 2 and 2')
      .executeTakeFirstOrThrow();
    expect(handoff.name).toBe('mathematician');
    expect(JSON.parse(handoff.routing)).toMatchObject({ method: 'capability-match', capability: 'math' });
  });

  it('starts work without waiting when wait is false', async () => {
    const { run, answer } = await say(
      harness,
      'lead',
      directive('delegate', { to: 'writer', task: 'draft a haiku', wait: false }),
    );
    expect(run.status).toBe('succeeded');
    expect(answer).toContain('"status":"started"');
  });

  it('asks another agent and records the answer in the asker’s inbox', async () => {
    const { answer } = await say(
      harness,
      'lead',
      directive('ask_agent', { to: 'writer', question: 'what rhymes with colony?' }),
    );
    expect(answer).toContain('Tool ask_agent returned');
    expect(answer).toContain('what rhymes with colony?');
    const inbox = (await (await harness.request('GET', '/v1/agents/lead/messages')).json()) as {
      messages: Array<{ type: string; correlationId: string | null }>;
    };
    expect(
      inbox.messages.some((message) => message.type === 'answer' && message.correlationId !== null),
    ).toBe(true);
  });

  it('delivers operator messages at least once and deduplicates by id', async () => {
    const body = { id: 'order-42', type: 'notice', content: 'a new order arrived' };
    const first = await harness.request('POST', '/v1/agents/writer/messages', { body });
    const second = await harness.request('POST', '/v1/agents/writer/messages', { body });
    expect(first.status).toBe(202);
    const one = (await first.json()) as { message: { triggeredRunId: string }; duplicate: boolean };
    const two = (await second.json()) as { message: { triggeredRunId: string }; duplicate: boolean };
    expect(one.duplicate).toBe(false);
    expect(two.duplicate).toBe(true);
    expect(two.message.triggeredRunId).toBe(one.message.triggeredRunId);
    const run = await harness.waitForRun(one.message.triggeredRunId);
    expect(run.status).toBe('succeeded');
    const runs = await harness.colony.database.db
      .selectFrom('message')
      .select('id')
      .where('content', 'like', '%a new order arrived%')
      .where('role', '=', 'user')
      .execute();
    expect(runs).toHaveLength(1);
    const other = await harness.request('GET', '/v1/agents/writer/messages', { key: harness.keys.otherOrg });
    expect(other.status).toBe(404);
  });

  it('canceling a delegating run cancels the delegated run', async () => {
    const chat = (await (await harness.request('POST', '/v1/chats', { body: { agent: 'lead' } })).json()) as {
      id: string;
    };
    const task = `please ${directive('http_request', { url: 'http://127.0.0.1:9/never' })}`;
    const posted = (await (
      await harness.request('POST', `/v1/chats/${chat.id}/messages`, {
        body: { content: directive('delegate', { to: 'gated', task }) },
      })
    ).json()) as { run: { id: string } };
    let childRunId: string | undefined;
    for (let attempt = 0; attempt < 400 && !childRunId; attempt++) {
      const handoff = await harness.colony.database.db
        .selectFrom('agent_handoff')
        .innerJoin('run', 'run.id', 'agent_handoff.child_run_id')
        .select(['run.id', 'run.status'])
        .where('agent_handoff.parent_run_id', '=', posted.run.id)
        .executeTakeFirst();
      if (handoff?.status === 'waiting') childRunId = handoff.id;
      else await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(childRunId).toBeDefined();
    const canceled = await harness.request('POST', `/v1/runs/${posted.run.id}/cancel`);
    expect(await canceled.json()).toMatchObject({ status: 'canceled' });
    const child = (await (await harness.request('GET', `/v1/runs/${childRunId}`)).json()) as {
      status: string;
    };
    expect(child.status).toBe('canceled');
  });
});
