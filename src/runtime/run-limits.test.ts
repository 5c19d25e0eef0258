import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { convertArrayToReadableStream, MockLanguageModelV3 } from 'ai/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpHarness, type HttpHarness } from '../http/test-support/http-harness.js';
import type { ModelRegistry } from '../models/index.js';
import { testDialects } from '../storage/test-support/databases.js';
import { executeRun } from './execute-run.js';
import type { RuntimeServices } from './run-types.js';

/** Every scripted step uses 20 input and 10 output tokens; the mock registry prices a token at $0.001. */
const stepUsage = {
  inputTokens: { total: 20, noCache: 20, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 10, text: 10, reasoning: 0 },
};

type Scripted = { text: string } | { tool: string } | { fail: string };

function streamOf(answer: Scripted, call: number): LanguageModelV3StreamPart[] {
  if ('fail' in answer) throw new Error(answer.fail);
  const parts: LanguageModelV3StreamPart[] =
    'tool' in answer
      ? [{ type: 'tool-call', toolCallId: `call_${call}`, toolName: answer.tool, input: '{}' }]
      : [
          { type: 'text-start', id: 't' },
          { type: 'text-delta', id: 't', delta: answer.text },
          { type: 'text-end', id: 't' },
        ];
  const unified = 'tool' in answer ? 'tool-calls' : 'stop';
  return [
    { type: 'stream-start', warnings: [] },
    ...parts,
    { type: 'finish', usage: stepUsage, finishReason: { unified, raw: unified } },
  ];
}

/** A model that answers with `script`, one entry per call. */
function scriptedModel(script: Scripted[]): MockLanguageModelV3 {
  let calls = 0;
  return new MockLanguageModelV3({
    doStream: async () => {
      const answer = script[calls++] ?? { text: 'done' };
      return { stream: convertArrayToReadableStream(streamOf(answer, calls)) };
    },
  });
}

describe.each(testDialects)('declared run limits on %s', (dialect) => {
  let harness: HttpHarness;
  beforeAll(async () => {
    harness = await createHttpHarness(dialect);
  });
  afterAll(async () => {
    await harness.close();
  });

  /** Services whose every model spec resolves to `model`, priced at $0.001 a token. */
  function withModel(model: MockLanguageModelV3): RuntimeServices {
    const real = harness.colony.services;
    const models: ModelRegistry = {
      ...real.models,
      resolve: (spec) => ({ spec, provider: 'mock', modelId: 'scripted', offline: false, model }),
      costOf: (_spec, usage) => (usage.inputTokens + usage.outputTokens) / 1000,
    };
    return { ...real, models };
  }

  /** A queued run of a new agent with `limits` (and the get_time tool). */
  async function queuedRun(limits: Record<string, number>, content = 'hello'): Promise<string> {
    const name = `limited-${Math.random().toString(36).slice(2, 10)}`;
    const agent = await harness.request('POST', '/v1/agents', {
      body: { name, tools: ['get_time'], limits },
    });
    expect(agent.status).toBe(201);
    const chat = (await (await harness.request('POST', '/v1/chats', { body: { agent: name } })).json()) as {
      id: string;
    };
    const posted = await harness.request('POST', `/v1/chats/${chat.id}/messages`, { body: { content } });
    return ((await posted.json()) as { run: { id: string } }).run.id;
  }

  async function runState(runId: string) {
    const db = harness.colony.database.db;
    const run = await db.selectFrom('run').selectAll().where('id', '=', runId).executeTakeFirstOrThrow();
    const events = await db
      .selectFrom('event')
      .select(['type', 'payload'])
      .where('run_id', '=', runId)
      .orderBy('seq')
      .execute();
    const steps = await db
      .selectFrom('run_step')
      .select(['kind', 'status'])
      .where('run_id', '=', runId)
      .execute();
    const answers = await db
      .selectFrom('message')
      .select('id')
      .where('run_id', '=', runId)
      .where('role', '=', 'assistant')
      .execute();
    return { run, types: events.map((event) => event.type), events, steps, answers };
  }

  const signal = () => new AbortController().signal;

  it('maxTokensPerRun: 1 fails the run after its first model step (offline model)', async () => {
    const runId = await queuedRun({ maxTokensPerRun: 1 });
    await executeRun(harness.colony.services, runId, signal());
    const state = await runState(runId);
    expect(state.run.status).toBe('failed');
    expect(state.run.error).toMatch(
      /^quota_exceeded: the run reached its limit maxTokensPerRun = 1 \(used: \d+ tokens\)$/,
    );
    expect(state.types.slice(-2)).toEqual(['run-limit-exceeded', 'run-failed']);
    const exceeded = state.events.find((event) => event.type === 'run-limit-exceeded');
    expect(JSON.parse(exceeded?.payload ?? '{}')).toMatchObject({ limit: 'maxTokensPerRun', max: 1 });
    expect(state.steps).toHaveLength(1);
    expect(state.answers).toHaveLength(0);
  });

  it('a step that leaves no room stops the run before the next model call', async () => {
    const model = scriptedModel([{ tool: 'get_time' }, { text: 'never asked' }]);
    const runId = await queuedRun({ maxTokensPerRun: 30 });
    await executeRun(withModel(model), runId, signal());
    const state = await runState(runId);
    expect(model.doStreamCalls).toHaveLength(1);
    expect(state.steps.map((step) => step.kind)).toEqual(['model', 'tool']);
    expect(state.run.error).toBe(
      'quota_exceeded: the run reached its limit maxTokensPerRun = 30 (used: 30 tokens)',
    );
  });

  it('maxCostUsdPerRun ends the run after the step that passes it, without its answer', async () => {
    const model = scriptedModel([{ tool: 'get_time' }, { text: 'the answer' }]);
    const runId = await queuedRun({ maxCostUsdPerRun: 0.05 });
    await executeRun(withModel(model), runId, signal());
    const state = await runState(runId);
    expect(model.doStreamCalls).toHaveLength(2);
    expect(state.run.status).toBe('failed');
    expect(state.run.error).toBe(
      'quota_exceeded: the run reached its limit maxCostUsdPerRun = 0.05 (used: 0.06 USD)',
    );
    expect(state.answers).toHaveLength(0);
    expect(state.types).toContain('run-limit-exceeded');
  });

  it('runs within their limits succeed, and maxOutputTokens reaches the model call', async () => {
    const model = scriptedModel([{ tool: 'get_time' }, { text: 'the answer' }]);
    const runId = await queuedRun({ maxTokensPerRun: 60, maxCostUsdPerRun: 0.06, maxOutputTokens: 7 });
    await executeRun(withModel(model), runId, signal());
    const state = await runState(runId);
    expect(state.run.status).toBe('succeeded');
    expect(state.answers).toHaveLength(1);
    expect(model.doStreamCalls.map((call) => call.maxOutputTokens)).toEqual([7, 7]);
  });

  it('a run resumed after a crash counts the steps it took before', async () => {
    const runId = await queuedRun({ maxTokensPerRun: 50 });
    const crashing = scriptedModel([{ tool: 'get_time' }, { fail: 'the process died' }]);
    await expect(executeRun(withModel(crashing), runId, signal())).rejects.toThrow('the process died');
    expect((await runState(runId)).run.status).toBe('running');

    const resumed = scriptedModel([{ text: 'the answer' }]);
    await executeRun(withModel(resumed), runId, signal());
    const state = await runState(runId);
    expect(resumed.doStreamCalls).toHaveLength(1);
    expect(state.run.status).toBe('failed');
    expect(state.run.error).toBe(
      'quota_exceeded: the run reached its limit maxTokensPerRun = 50 (used: 60 tokens)',
    );
  });
});
