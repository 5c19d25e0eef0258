import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../storage/test-support/databases.js';
import { createHttpHarness, type HttpHarness } from './test-support/http-harness.js';

interface ColonyExtension {
  colony: { chatId: string; runId: string; status: string; approvals?: Array<{ toolCallId: string }> };
}

describe.each(testDialects)('the OpenAI-compatible API with the openai client on %s', (dialect) => {
  let harness: HttpHarness;
  /** The real `openai` client, its requests answered in-process by the app. */
  const clientFor = (apiKey: string) =>
    new OpenAI({
      apiKey,
      baseURL: 'http://colony.test/v1',
      maxRetries: 0,
      fetch: (url: string | URL | Request, init?: RequestInit) =>
        Promise.resolve(harness.app.request(url instanceof Request ? url : String(url), init)),
    });
  let openai: OpenAI;
  beforeAll(async () => {
    harness = await createHttpHarness(dialect, { workers: true, env: { COLONY_HTTP_APPROVAL: 'always' } });
    await harness.request('POST', '/v1/agents', {
      body: { name: 'echo', tools: ['get_time', 'http_request'] },
    });
    openai = clientFor(harness.keys.owner);
  });
  afterAll(async () => {
    await harness.close();
  });

  it('answers a completion with the final answer after running a tool, with usage and its chat', async () => {
    const { data, response } = await openai.chat.completions
      .create({
        model: 'echo',
        messages: [
          { role: 'system', content: 'ignored: the agent has its own instructions' },
          { role: 'user', content: 'What time is it? /tool get_time {"timezone":"UTC"}' },
        ],
      })
      .withResponse();
    const choice = data.choices[0];
    expect(choice?.finish_reason).toBe('stop');
    expect(choice?.message.content).toContain('You said: "What time is it?');
    expect(choice?.message.content).toContain('Tool get_time returned');
    expect(data.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(data.usage?.completion_tokens).toBeGreaterThan(0);
    expect(data.usage?.total_tokens).toBe(
      (data.usage?.prompt_tokens ?? 0) + (data.usage?.completion_tokens ?? 0),
    );
    const { colony } = data as unknown as ColonyExtension;
    expect(response.headers.get('X-Colony-Chat-Id')).toBe(colony.chatId);
    const run = await harness.waitForRun<{ status: string; steps: Array<{ kind: string }> }>(colony.runId);
    expect(run.steps.map((step) => step.kind)).toEqual(['model', 'tool', 'model']);
    const messages = (await (await harness.request('GET', `/v1/chats/${colony.chatId}/messages`)).json()) as {
      messages: Array<{ role: string; content: string }>;
    };
    expect(messages.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    expect(messages.messages[1]?.content).toBe(choice?.message.content);
  });

  it('streams the same answer as chunks, with the usage in the last chunk when asked', async () => {
    const stream = await openai.chat.completions.create({
      model: 'echo',
      messages: [{ role: 'user', content: 'stream please /tool get_time {"timezone":"UTC"}' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    const chatId = (chunks[0] as unknown as ColonyExtension).colony.chatId;
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.completion_tokens).toBeGreaterThan(0);
    const messages = (await (await harness.request('GET', `/v1/chats/${chatId}/messages`)).json()) as {
      messages: Array<{ role: string; content: string }>;
    };
    expect(messages.messages.at(-1)?.content).toBe(text);
    expect(text).toContain('Tool get_time returned');
  });

  it('continues a chat named by X-Colony-Chat-Id or by `user`; without either, each call is a new chat', async () => {
    const first = (await openai.chat.completions.create({
      model: 'echo',
      messages: [{ role: 'user', content: 'one' }],
    })) as unknown as ColonyExtension;
    const second = (await openai.chat.completions.create(
      { model: 'echo', messages: [{ role: 'user', content: 'two' }] },
      { headers: { 'X-Colony-Chat-Id': first.colony.chatId } },
    )) as unknown as ColonyExtension;
    const third = (await openai.chat.completions.create({
      model: 'echo',
      messages: [{ role: 'user', content: 'three' }],
      user: first.colony.chatId,
    })) as unknown as ColonyExtension;
    const fresh = (await openai.chat.completions.create({
      model: 'echo',
      messages: [{ role: 'user', content: 'four' }],
    })) as unknown as ColonyExtension;
    expect(second.colony.chatId).toBe(first.colony.chatId);
    expect(third.colony.chatId).toBe(first.colony.chatId);
    expect(fresh.colony.chatId).not.toBe(first.colony.chatId);
    const messages = (await (
      await harness.request('GET', `/v1/chats/${first.colony.chatId}/messages`)
    ).json()) as {
      messages: Array<{ role: string; content: string }>;
    };
    expect(
      messages.messages.filter((message) => message.role === 'user').map((message) => message.content),
    ).toEqual(['one', 'two', 'three']);
  });

  it('reports a run waiting for an approval with finish_reason approval_required and the call to decide', async () => {
    const content = 'fetch it /tool http_request {"url":"http://127.0.0.1:9/never"}';
    const data = (await openai.chat.completions.create({
      model: 'echo',
      messages: [{ role: 'user', content }],
    })) as unknown as OpenAI.ChatCompletion & ColonyExtension;
    expect(data.choices[0]?.finish_reason).toBe('approval_required');
    expect(data.colony.status).toBe('waiting');
    const approval = data.colony.approvals?.[0];
    expect(approval?.toolCallId).toBeTruthy();
    expect(data.choices[0]?.message.content).toContain(`/v1/runs/${data.colony.runId}/approvals`);
    const stream = await openai.chat.completions.create({
      model: 'echo',
      messages: [{ role: 'user', content }],
      stream: true,
    });
    const reasons = [];
    for await (const chunk of stream) reasons.push(chunk.choices[0]?.finish_reason);
    expect(reasons.at(-1)).toBe('approval_required');
    const decided = await harness.request('POST', `/v1/runs/${data.colony.runId}/approvals`, {
      body: { toolCallId: approval?.toolCallId, decision: 'reject', reason: 'not today' },
    });
    expect(decided.status).toBe(200);
    const run = await harness.waitForRun(data.colony.runId);
    expect(run.status).toBe('succeeded');
  });

  it('lists the org’s agents as models', async () => {
    const models = [];
    for await (const model of openai.models.list()) models.push(model);
    expect(models.map((model) => model.id)).toContain('echo');
    expect(models[0]?.object).toBe('model');
    const response = await harness.request('GET', '/v1/models');
    expect(response.status).toBe(200);
  });

  it('answers errors in OpenAI’s shape, which the client raises as its typed errors', async () => {
    const missing = await openai.chat.completions
      .create({ model: 'nobody', messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).type).toBe('not_found_error');
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('not_found');
    const notUser = await openai.chat.completions
      .create({ model: 'echo', messages: [{ role: 'assistant', content: 'hi' }] })
      .catch((error: unknown) => error);
    expect(notUser).toBeInstanceOf(OpenAI.BadRequestError);
    expect((notUser as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('messages.0.role');
    const anonymous = await clientFor('colony_nonsense')
      .models.list()
      .catch((error: unknown) => error);
    expect(anonymous).toBeInstanceOf(OpenAI.AuthenticationError);
    const viewer = await clientFor(harness.keys.viewer)
      .chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);
    expect(viewer).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const checked = await harness.request('POST', '/v1/chat/completions', {
      body: { model: 'echo', messages: [] },
    });
    expect(checked.status).toBe(400);
    expect(((await checked.json()) as { error: { param: string } }).error.param).toBe('messages');
  });

  it('keeps orgs apart: another org’s key sees neither the agent nor the chat', async () => {
    const mine = (await openai.chat.completions.create({
      model: 'echo',
      messages: [{ role: 'user', content: 'mine' }],
    })) as unknown as ColonyExtension;
    const other = clientFor(harness.keys.otherOrg);
    const models = [];
    for await (const model of other.models.list()) models.push(model.id);
    expect(models).not.toContain('echo');
    await expect(
      other.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const response = await harness.request('POST', '/v1/chat/completions', {
      key: harness.keys.otherOrg,
      body: { model: 'echo', messages: [{ role: 'user', content: 'x' }] },
      headers: { 'X-Colony-Chat-Id': mine.colony.chatId },
    });
    expect(response.status).toBe(404);
  });
});
