import type { AddressInfo } from 'node:net';
import { type Message, Role, type Task, TaskState } from '@a2a-js/sdk';
import {
  type Client,
  ClientFactory,
  DefaultAgentCardResolver,
  JsonRpcTransportFactory,
} from '@a2a-js/sdk/client';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../storage/test-support/databases.js';
import { createHttpHarness, type HttpHarness } from './test-support/http-harness.js';

let sequence = 0;

/** A user message as the SDK builds it (protobuf-JSON: parts are `{ text }` on the wire). */
function userMessage(text: string, extra: Partial<Message> = {}): Message {
  return {
    messageId: `msg-${++sequence}`,
    contextId: '',
    taskId: '',
    role: Role.ROLE_USER,
    parts: [{ content: { $case: 'text', value: text }, metadata: undefined, filename: '', mediaType: '' }],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
    ...extra,
  };
}

/** A `SendMessageRequest` with the fields the SDK's types require and Colony does not use. */
const request = (message: Message) => ({
  tenant: '',
  message,
  configuration: undefined,
  metadata: undefined,
});

const textOf = (task: Task) =>
  task.status?.message?.parts
    .map((part) => (part.content?.$case === 'text' ? part.content.value : ''))
    .join('');

describe.each(testDialects)('A2A 1.0 with the official @a2a-js/sdk client on %s', (dialect) => {
  let harness: HttpHarness;
  let server: ReturnType<typeof serve>;
  let base: string;

  /** The SDK's fetch with a Colony API key: the cards advertise the bearer scheme. */
  const fetchWith =
    (key: string): typeof fetch =>
    (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('Authorization', `Bearer ${key}`);
      return fetch(input, { ...init, headers });
    };
  const factoryFor = (key: string) =>
    new ClientFactory({
      transports: [new JsonRpcTransportFactory({ fetchImpl: fetchWith(key) })],
      cardResolver: new DefaultAgentCardResolver({ fetchImpl: fetchWith(key) }),
    });
  const agentClient = (key: string, agent = 'echo'): Promise<Client> =>
    factoryFor(key).createFromUrl(`${base}/a2a/agents/${agent}/`);

  beforeAll(async () => {
    harness = await createHttpHarness(dialect, { workers: true, env: { COLONY_HTTP_APPROVAL: 'always' } });
    await harness.request('POST', '/v1/agents', {
      body: { name: 'echo', description: 'repeats you', tools: ['get_time', 'http_request'] },
    });
    await harness.request('POST', '/v1/agents', { body: { name: 'second' } });
    server = await new Promise((resolve) => {
      const listening = serve({ fetch: harness.app.fetch, hostname: '127.0.0.1', port: 0 }, () =>
        resolve(listening),
      );
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await harness.close();
  });

  it('serves an agent card per agent and one for the org, with the bearer scheme', async () => {
    const client = await agentClient(harness.keys.viewer);
    const card = await client.getAgentCard();
    expect(card.name).toBe('echo');
    expect(card.supportedInterfaces).toEqual([
      { url: `${base}/a2a/agents/echo`, protocolBinding: 'JSONRPC', protocolVersion: '1.0', tenant: '' },
    ]);
    expect(card.capabilities?.streaming).toBe(true);
    expect(card.securitySchemes.bearer?.scheme).toEqual({
      $case: 'httpAuthSecurityScheme',
      value: expect.objectContaining({ scheme: 'Bearer' }),
    });
    const org = await new DefaultAgentCardResolver({ fetchImpl: fetchWith(harness.keys.viewer) }).resolve(
      base,
    );
    expect(org.skills.map((skill) => skill.id).sort()).toEqual(['echo', 'second']);
    expect(org.supportedInterfaces[0]?.url).toBe(`${base}/a2a`);
  });

  it('SendMessage runs a chat turn and answers with the completed task; contextId continues the chat', async () => {
    const client = await agentClient(harness.keys.member);
    const result = (await client.sendMessage(
      request(userMessage('What time is it? /tool get_time {"timezone":"UTC"}')),
    )) as Task;
    expect(result.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(textOf(result)).toContain('Tool get_time returned');
    expect(result.id).toMatch(/^run_/);
    expect(result.contextId).toMatch(/^chat_/);
    const artifact = result.artifacts[0]?.parts[0]?.content;
    expect(artifact).toEqual({ $case: 'text', value: textOf(result) });
    const next = (await client.sendMessage(
      request(userMessage('and again', { contextId: result.contextId })),
    )) as Task;
    expect(next.contextId).toBe(result.contextId);
    const fetched = await client.getTask({ tenant: '', id: next.id, historyLength: undefined });
    expect(fetched.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(textOf(fetched)).toBe(textOf(next));
  });

  it('the org endpoint takes the agent from message metadata', async () => {
    const client = await factoryFor(harness.keys.member).createFromUrl(base);
    const result = (await client.sendMessage(
      request(userMessage('hello second', { metadata: { agent: 'second' } })),
    )) as Task;
    expect(textOf(result)).toContain('You said: "hello second"');
    const unnamed = client.sendMessage(request(userMessage('to whom?')));
    await expect(unnamed).rejects.toThrow(/metadata\.agent/);
  });

  it('SendStreamingMessage streams the task, its text and the final status', async () => {
    const client = await agentClient(harness.keys.member);
    const events = [];
    for await (const event of client.sendMessageStream(request(userMessage('stream this')))) {
      events.push(event);
    }
    const first = events[0];
    expect(first?.payload?.$case).toBe('task');
    const last = events.at(-1)?.payload;
    expect(last?.$case).toBe('statusUpdate');
    if (last?.$case !== 'statusUpdate') throw new Error('no final status');
    expect(last.value.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    const streamed = events
      .flatMap((event) =>
        event.payload?.$case === 'artifactUpdate'
          ? event.payload.value.artifact?.parts.map((part) =>
              part.content?.$case === 'text' ? part.content.value : '',
            )
          : [],
      )
      .join('');
    const final = last.value.status?.message?.parts[0]?.content;
    expect(final).toEqual({ $case: 'text', value: streamed });
    expect(streamed).toContain('You said: "stream this"');
  });

  it('a run waiting for an approval is INPUT_REQUIRED; CancelTask cancels it, and again is refused', async () => {
    const client = await agentClient(harness.keys.member);
    const waiting = (await client.sendMessage(
      request(userMessage('fetch /tool http_request {"url":"http://example.com"}')),
    )) as Task;
    expect(waiting.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    expect(textOf(waiting)).toContain('http_request');
    const canceled = await client.cancelTask({ tenant: '', id: waiting.id, metadata: undefined });
    expect(canceled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    await expect(
      client.cancelTask({ tenant: '', id: waiting.id, metadata: undefined }),
    ).rejects.toMatchObject({
      envelopeCode: -32002,
    });
  });

  it('keeps orgs apart: another org’s key gets no card, no task and no chat of this org', async () => {
    const member = await agentClient(harness.keys.member);
    const mine = (await member.sendMessage(request(userMessage('private')))) as Task;
    await expect(agentClient(harness.keys.otherOrg)).rejects.toThrow(/404/);
    const otherOrg = await factoryFor(harness.keys.otherOrg).createFromUrl(base);
    expect((await otherOrg.getAgentCard()).skills).toEqual([]);
    await expect(
      otherOrg.getTask({ tenant: '', id: mine.id, historyLength: undefined }),
    ).rejects.toMatchObject({
      envelopeCode: -32001,
    });
    await expect(otherOrg.cancelTask({ tenant: '', id: mine.id, metadata: undefined })).rejects.toMatchObject(
      {
        envelopeCode: -32001,
      },
    );
    const before = await harness.rowCounts(['conversation', 'message', 'run']);
    const peek = otherOrg.sendMessage(
      request(userMessage('peek', { contextId: mine.contextId, metadata: { agent: 'echo' } })),
    );
    await expect(peek).rejects.toThrow(/not found/);
    expect(await harness.rowCounts(['conversation', 'message', 'run'])).toEqual(before);
  });

  it('refuses a wrong key and a viewer’s message', async () => {
    await expect(agentClient('ck_wrong_key')).rejects.toThrow(/401/);
    const viewer = await agentClient(harness.keys.viewer);
    await expect(viewer.sendMessage(request(userMessage('hi')))).rejects.toMatchObject({
      message: expect.stringMatching(/member|role/i),
    });
  });
});
