import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { DefaultChatTransport, readUIMessageStream, type UIMessage } from 'ai';
import { convertArrayToReadableStream, MockLanguageModelV3 } from 'ai/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelRegistry } from '../models/index.js';
import { executeRun } from '../runtime/execute-run.js';
import type { RuntimeServices } from '../runtime/index.js';
import { testDialects } from '../storage/test-support/databases.js';
import { createHttpHarness, type HttpHarness } from './test-support/http-harness.js';

type ToolPart = Extract<UIMessage['parts'][number], { type: 'dynamic-tool' }>;

/** The real transport of `useChat`, its requests answered in-process by the app. */
function transportFor(harness: HttpHarness, key: string): DefaultChatTransport<UIMessage> {
  return new DefaultChatTransport({
    api: 'http://colony.test/v1/ui-chat',
    headers: { Authorization: `Bearer ${key}` },
    fetch: (url: string | URL | Request, init?: RequestInit) =>
      Promise.resolve(harness.app.request(url instanceof Request ? url : String(url), init)),
  });
}

/** The assistant message a stream builds, as `useChat` would hold it. */
async function lastMessage(stream: ReadableStream, message?: UIMessage): Promise<UIMessage> {
  let last: UIMessage | undefined;
  for await (const built of readUIMessageStream({ stream, ...(message ? { message } : {}) })) last = built;
  if (!last) throw new Error('the stream built no message');
  return last;
}

const userMessage = (id: string, text: string): UIMessage => ({
  id,
  role: 'user',
  parts: [{ type: 'text', text }],
});

async function newChat(harness: HttpHarness): Promise<string> {
  const response = await harness.request('POST', '/v1/chats', { body: { agent: 'echo' } });
  return ((await response.json()) as { id: string }).id;
}

describe.each(testDialects)('the AI SDK chat transport against /v1/ui-chat on %s', (dialect) => {
  let harness: HttpHarness;
  let transport: DefaultChatTransport<UIMessage>;
  beforeAll(async () => {
    harness = await createHttpHarness(dialect, { workers: true, env: { COLONY_HTTP_APPROVAL: 'always' } });
    await harness.request('POST', '/v1/agents', {
      body: { name: 'echo', tools: ['get_time', 'http_request'] },
    });
    transport = transportFor(harness, harness.keys.owner);
  });
  afterAll(async () => {
    await harness.close();
  });

  it('streams text and tool parts that readUIMessageStream assembles into the answer', async () => {
    const chatId = await newChat(harness);
    const stream = await transport.sendMessages({
      chatId,
      messages: [userMessage('u1', 'What time is it? /tool get_time {"timezone":"UTC"}')],
      trigger: 'submit-message',
      messageId: undefined,
      abortSignal: undefined,
    });
    const message = await lastMessage(stream);
    expect(message.role).toBe('assistant');
    const tool = message.parts.find((part): part is ToolPart => part.type === 'dynamic-tool');
    expect(tool?.toolName).toBe('get_time');
    expect(tool?.state).toBe('output-available');
    const text = message.parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
    expect(text).toContain('Tool get_time returned');
    expect(message.parts.filter((part) => part.type === 'step-start')).toHaveLength(2);
    const stored = (await (await harness.request('GET', `/v1/chats/${chatId}/messages`)).json()) as {
      messages: Array<{ content: string }>;
    };
    expect(stored.messages.at(-1)?.content).toBe(text);
  });

  it('answers with the protocol header, documented in /openapi.json', async () => {
    const chatId = await newChat(harness);
    const response = await harness.request('POST', '/v1/ui-chat', {
      body: { id: chatId, messages: [userMessage('u1', 'hello')], trigger: 'submit-message' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1');
    const body = await response.text();
    expect(body).toContain('"type":"start"');
    expect(body.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('surfaces an approval as a part and continues the run with the client’s response', async () => {
    const chatId = await newChat(harness);
    const user = userMessage('u1', 'fetch /tool http_request {"url":"http://127.0.0.1:9/never"}');
    const waiting = await lastMessage(
      await transport.sendMessages({
        chatId,
        messages: [user],
        trigger: 'submit-message',
        messageId: undefined,
        abortSignal: undefined,
      }),
    );
    const requested = waiting.parts.find((part): part is ToolPart => part.type === 'dynamic-tool');
    expect(requested?.state).toBe('approval-requested');
    if (requested?.state !== 'approval-requested') throw new Error('no approval requested');
    // What `addToolApprovalResponse` does to the message before the transport sends it again.
    const responded: UIMessage = {
      ...waiting,
      parts: waiting.parts.map((part) =>
        part === requested
          ? {
              ...requested,
              state: 'approval-responded',
              approval: { id: requested.approval.id, approved: false, reason: 'no' },
            }
          : part,
      ),
    };
    const answered = await lastMessage(
      await transport.sendMessages({
        chatId,
        messages: [user, responded],
        trigger: 'submit-message',
        messageId: undefined,
        abortSignal: undefined,
      }),
      responded,
    );
    expect(answered.id).toBe(waiting.id);
    const denied = answered.parts.find((part): part is ToolPart => part.type === 'dynamic-tool');
    expect(denied?.state).toBe('output-denied');
    const text = answered.parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
    expect(text).toContain('Tool http_request was rejected: no');
  });

  it('refuses what it cannot do with the field named', async () => {
    const chatId = await newChat(harness);
    const regenerate = await harness.request('POST', '/v1/ui-chat', {
      body: {
        id: chatId,
        messages: [userMessage('u1', 'hello')],
        trigger: 'regenerate-message',
        messageId: 'a1',
      },
    });
    expect(regenerate.status).toBe(400);
    const noText = await harness.request('POST', '/v1/ui-chat', {
      body: { id: chatId, messages: [{ id: 'u1', role: 'user', parts: [] }], trigger: 'submit-message' },
    });
    expect(
      ((await noText.json()) as { error: { details: { fields: Array<{ path: string }> } } }).error.details
        .fields[0]?.path,
    ).toBe('messages.0.parts');
  });

  it('keeps orgs apart: another org’s key cannot post to or resume a chat', async () => {
    const chatId = await newChat(harness);
    const posted = await harness.request('POST', '/v1/ui-chat', {
      key: harness.keys.otherOrg,
      body: { id: chatId, messages: [userMessage('u1', 'hello')], trigger: 'submit-message' },
    });
    expect(posted.status).toBe(404);
    const resumed = await harness.request('GET', `/v1/ui-chat/${chatId}/stream`, {
      key: harness.keys.otherOrg,
    });
    expect(resumed.status).toBe(404);
    await expect(transport.reconnectToStream({ chatId })).resolves.toBeNull();
  });
});

describe.each(testDialects)('resuming an interrupted UI message stream on %s', (dialect) => {
  let harness: HttpHarness;
  beforeAll(async () => {
    // No workers: the run stays queued until the test executes it.
    harness = await createHttpHarness(dialect);
    await harness.request('POST', '/v1/agents', { body: { name: 'echo', tools: ['get_time'] } });
  });
  afterAll(async () => {
    await harness.close();
  });

  it('reconnectToStream picks up the running answer from its start; 204 once it has ended', async () => {
    const transport = transportFor(harness, harness.keys.owner);
    const chatId = await newChat(harness);
    const interrupted = new AbortController();
    const first = await transport.sendMessages({
      chatId,
      messages: [userMessage('u1', 'resume me /tool get_time {"timezone":"UTC"}')],
      trigger: 'submit-message',
      messageId: undefined,
      abortSignal: interrupted.signal,
    });
    const reader = first.getReader();
    expect((await reader.read()).value).toMatchObject({ type: 'start' });
    interrupted.abort();
    await reader.cancel().catch(() => {});
    const resumed = await transport.reconnectToStream({ chatId });
    if (!resumed) throw new Error('nothing to resume');
    const run = (await (await harness.request('GET', `/v1/chats/${chatId}/messages`)).json()) as {
      messages: Array<{ runId: string | null }>;
    };
    const runs = await harness.colony.database.db
      .selectFrom('run')
      .select('id')
      .where('conversation_id', '=', chatId)
      .execute();
    expect(run.messages).toHaveLength(1);
    await executeRun(harness.colony.services, runs[0]?.id ?? '', new AbortController().signal);
    const message = await lastMessage(resumed);
    const text = message.parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
    expect(text).toContain('Tool get_time returned');
    expect(
      message.parts.some((part) => part.type === 'dynamic-tool' && part.state === 'output-available'),
    ).toBe(true);
    await expect(transport.reconnectToStream({ chatId })).resolves.toBeNull();
  });
});

/** A model that thinks aloud, then answers. */
function reasoningModel(): MockLanguageModelV3 {
  const parts: LanguageModelV3StreamPart[] = [
    { type: 'stream-start', warnings: [] },
    { type: 'reasoning-start', id: 'r' },
    { type: 'reasoning-delta', id: 'r', delta: 'The user wants ' },
    { type: 'reasoning-delta', id: 'r', delta: 'a greeting.' },
    { type: 'reasoning-end', id: 'r' },
    { type: 'text-start', id: 't' },
    { type: 'text-delta', id: 't', delta: 'Hello ' },
    { type: 'text-delta', id: 't', delta: 'there.' },
    { type: 'text-end', id: 't' },
    {
      type: 'finish',
      usage: {
        inputTokens: { total: 5, noCache: 5, cacheRead: 0, cacheWrite: 0 },
        outputTokens: { total: 4, text: 2, reasoning: 2 },
      },
      finishReason: { unified: 'stop', raw: 'stop' },
    },
  ];
  return new MockLanguageModelV3({ doStream: async () => ({ stream: convertArrayToReadableStream(parts) }) });
}

describe.each(testDialects)('reasoning in the UI message stream on %s', (dialect) => {
  let harness: HttpHarness;
  beforeAll(async () => {
    harness = await createHttpHarness(dialect);
    await harness.request('POST', '/v1/agents', { body: { name: 'echo' } });
  });
  afterAll(async () => {
    await harness.close();
  });

  it('sends the model’s reasoning as a reasoning part before its text', async () => {
    const chatId = await newChat(harness);
    const stream = await transportFor(harness, harness.keys.owner).sendMessages({
      chatId,
      messages: [userMessage('u1', 'greet me')],
      trigger: 'submit-message',
      messageId: undefined,
      abortSignal: undefined,
    });
    const real = harness.colony.services;
    const model = reasoningModel();
    const models: ModelRegistry = {
      ...real.models,
      resolve: (spec) => ({ spec, provider: 'mock', modelId: 'reasoning', offline: false, model }),
    };
    const services: RuntimeServices = { ...real, models };
    const runs = await real.database.db
      .selectFrom('run')
      .select('id')
      .where('conversation_id', '=', chatId)
      .execute();
    const [message] = await Promise.all([
      lastMessage(stream),
      executeRun(services, runs[0]?.id ?? '', new AbortController().signal),
    ]);
    expect(message.parts.map((part) => part.type)).toEqual(['step-start', 'reasoning', 'text']);
    expect(message.parts[1]).toMatchObject({ type: 'reasoning', text: 'The user wants a greeting.' });
    expect(message.parts[2]).toMatchObject({ type: 'text', text: 'Hello there.' });
  });
});
