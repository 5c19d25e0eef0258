import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateText, type ModelMessage, Output, streamText, tool } from 'ai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createOfflineModel } from './offline-model.js';

const tools = {
  get_time: tool({ description: 'current time', inputSchema: z.object({ timezone: z.string().optional() }) }),
  lookup: tool({ description: 'look something up', inputSchema: z.object({ query: z.string() }) }),
};

const model = createOfflineModel('echo', { delayMs: 0 });

function toolTurn(toolCallId: string, toolName: string, input: unknown, value: unknown): ModelMessage[] {
  return [
    { role: 'assistant', content: [{ type: 'tool-call', toolCallId, toolName, input }] },
    {
      role: 'tool',
      content: [
        { type: 'tool-result', toolCallId, toolName, output: { type: 'json', value: value as never } },
      ],
    },
  ];
}

describe('offline model', () => {
  it('restates the user message with generateText', async () => {
    const result = await generateText({ model, prompt: 'hello   there' });
    expect(result.text).toBe('[offline model] You said: "hello there".');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.inputTokens).toBe(Math.ceil('hello   there'.length / 4));
    expect(result.usage.outputTokens).toBe(Math.ceil(result.text.length / 4));
  });

  it('calls the directed tools one per call, then reports their results', async () => {
    const user: ModelMessage = {
      role: 'user',
      content: 'check this /tool get_time {"timezone":"UTC"}\n/tool lookup {"query":"a } b"} please',
    };
    const first = await generateText({ model, tools, messages: [user] });
    expect(first.finishReason).toBe('tool-calls');
    expect(first.toolCalls).toMatchObject([
      { toolCallId: 'offline_call_1', toolName: 'get_time', input: { timezone: 'UTC' } },
    ]);

    const afterFirst = [user, ...toolTurn('offline_call_1', 'get_time', { timezone: 'UTC' }, { iso: 'now' })];
    const second = await generateText({ model, tools, messages: afterFirst });
    expect(second.toolCalls).toMatchObject([
      { toolCallId: 'offline_call_2', toolName: 'lookup', input: { query: 'a } b' } },
    ]);

    const afterSecond = [...afterFirst, ...toolTurn('offline_call_2', 'lookup', { query: 'a } b' }, [1, 2])];
    const third = await generateText({ model, tools, messages: afterSecond });
    expect(third.finishReason).toBe('stop');
    expect(third.text).toBe(
      [
        '[offline model] You said: "check this please".',
        'Tool get_time returned: {"iso":"now"}',
        'Tool lookup returned: [1,2]',
      ].join('\n'),
    );
  });

  it('skips a tool that is not offered and says so', async () => {
    const user: ModelMessage = { role: 'user', content: '/tool delete_everything /tool get_time' };
    const first = await generateText({ model, tools, messages: [user] });
    expect(first.toolCalls.map((call) => call.toolName)).toEqual(['get_time']);
    const second = await generateText({
      model,
      tools,
      messages: [user, ...toolTurn('offline_call_1', 'get_time', {}, 'noon')],
    });
    expect(second.text).toContain('Tool delete_everything is not available; skipped.');
    expect(second.text).toContain('Tool get_time returned: "noon"');
  });

  it('answers a maximal message of skipped directives briefly: one counted line per distinct skip', async () => {
    const unknown = Array.from({ length: 12 }, (_, index) => `/tool missing_${index}`).join(' ');
    const content = `${'/tool delete_everything '.repeat(4000)}${unknown} /tool get_time {"timezone":`;
    expect(content.length).toBeLessThanOrEqual(100_000);
    const result = await generateText({ model, tools, messages: [{ role: 'user', content }] });
    const lines = result.text.split('\n');
    expect(lines[1]).toBe('Tool delete_everything is not available; skipped (4000 times).');
    expect(lines).toContain('Tool missing_0 is not available; skipped.');
    expect(lines.at(-1)).toBe('4 more skipped tool(s) not listed.');
    expect(lines).toHaveLength(1 + 10 + 1);
  });

  it('reports a denied tool call as rejected', async () => {
    const messages: ModelMessage[] = [
      { role: 'user', content: '/tool lookup {"query":"x"}' },
      {
        role: 'assistant',
        content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'lookup', input: {} }],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'c1',
            toolName: 'lookup',
            output: { type: 'execution-denied', reason: 'too risky' },
          },
        ],
      },
    ];
    const result = await generateText({ model, tools, messages });
    expect(result.text).toContain('Tool lookup was rejected: too risky');
  });

  it('stops at maxOutputTokens with finish reason length', async () => {
    const full = await generateText({ model, prompt: 'a long enough message to cut' });
    const cut = await generateText({ model, prompt: 'a long enough message to cut', maxOutputTokens: 3 });
    expect(cut.text).toBe(full.text.slice(0, 12));
    expect(cut.usage.outputTokens).toBe(3);
    expect(cut.finishReason).toBe('length');
    const streamed = streamText({ model, prompt: 'a long enough message to cut', maxOutputTokens: 3 });
    expect(await streamed.text).toBe(cut.text);
    expect(await streamed.finishReason).toBe('length');
  });

  it('is deterministic', async () => {
    const prompt = 'same words /tool get_time';
    const [first, second] = await Promise.all([
      generateText({ model, tools, prompt }),
      generateText({ model: createOfflineModel('echo', { delayMs: 0 }), tools, prompt }),
    ]);
    expect(first.toolCalls).toEqual(second.toolCalls);
    expect(first.response.id).toBe(second.response.id);
  });

  it('streams text word by word and tool calls as parts', async () => {
    const result = streamText({ model, prompt: 'one two three' });
    const deltas: string[] = [];
    for await (const part of result.fullStream) if (part.type === 'text-delta') deltas.push(part.text);
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('')).toBe('[offline model] You said: "one two three".');
    expect(await result.finishReason).toBe('stop');
    expect((await result.usage).inputTokens).toBe(Math.ceil('one two three'.length / 4));

    const withTool = streamText({ model, tools, prompt: '/tool lookup {"query":"q"}' });
    expect(await withTool.toolCalls).toMatchObject([{ toolName: 'lookup', input: { query: 'q' } }]);
    expect(await withTool.finishReason).toBe('tool-calls');
  });

  it('produces a valid minimal object for structured output', async () => {
    const schema = z.object({
      title: z.string().min(3),
      priority: z.enum(['high', 'low']),
      steps: z.array(z.object({ name: z.string(), order: z.number().int().min(1) })).min(1),
      notes: z.string().optional(),
    });
    const result = await generateText({ model, prompt: 'plan a trip', output: Output.object({ schema }) });
    expect(result.output).toEqual({
      title: 'plan a trip',
      priority: 'high',
      steps: [{ name: 'plan a trip', order: 1 }],
    });
  });

  it('waits before answering and honours abort during the wait', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'colony-offline-'));
    const callLogFile = join(directory, 'calls.jsonl');
    const slow = createOfflineModel('echo', { delayMs: 10_000, callLogFile });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 30);
    await expect(
      generateText({ model: slow, prompt: 'hi', abortSignal: controller.signal, maxRetries: 0 }),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2_000);
    const events = readFileSync(callLogFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).event);
    expect(events).toEqual(['start', 'abort']);
  });

  it('logs a start and an end line per call', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'colony-offline-'));
    const callLogFile = join(directory, 'calls.jsonl');
    const logged = createOfflineModel('echo', { delayMs: 5, callLogFile });
    await generateText({ model: logged, prompt: 'a' });
    const stream = streamText({ model: logged, prompt: 'b' });
    await stream.text;
    const lines = readFileSync(callLogFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.event)).toEqual(['start', 'end', 'start', 'end']);
    expect(lines[0]).toMatchObject({ pid: process.pid, promptMessages: 1, modelId: 'echo' });
    expect(lines[1]).toMatchObject({ finishReason: 'stop' });
    expect(typeof lines[0].at).toBe('number');
  });
});
