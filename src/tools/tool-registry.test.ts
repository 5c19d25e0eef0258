import { generateText } from 'ai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configDefaults } from '../config/index.js';
import { isColonyError } from '../errors/index.js';
import { createManualClock } from '../kernel/index.js';
import { createOfflineModel } from '../models/offline/offline-model.js';
import { toAiSdkTools } from './ai-sdk-tools.js';
import { getTimeTool } from './get-time.js';
import { testToolContext } from './test-support/tool-context.js';
import { createToolRegistry } from './tool-registry.js';

const clock = createManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
const context = testToolContext({ now: clock.now });

function registry() {
  return createToolRegistry(configDefaults.tools);
}

describe('get_time', () => {
  it('reads the context clock, in UTC by default', async () => {
    expect(await getTimeTool.execute({}, context)).toEqual({
      iso: '2026-01-01T12:00:00.000Z',
      epochMs: Date.UTC(2026, 0, 1, 12, 0, 0),
      timezone: 'UTC',
      local: '2026-01-01T12:00:00+00:00',
    });
  });

  it('gives local time with its offset in a timezone', async () => {
    const tokyo = await getTimeTool.execute({ timezone: 'Asia/Tokyo' }, context);
    expect(tokyo.local).toBe('2026-01-01T21:00:00+09:00');
    const newYork = await getTimeTool.execute({ timezone: 'America/New_York' }, context);
    expect(newYork.local).toBe('2026-01-01T07:00:00-05:00');
  });

  it('rejects an invalid timezone', async () => {
    const parsed = getTimeTool.inputSchema.safeParse({ timezone: 'Mars/Olympus' });
    expect(parsed.success).toBe(false);
    await expect(getTimeTool.execute({ timezone: 'Mars/Olympus' }, context)).rejects.toMatchObject({
      code: 'invalid_input',
    });
    expect(getTimeTool.requiresApproval({})).toBe(false);
    expect(getTimeTool.idempotent).toBe(true);
  });
});

describe('tool registry', () => {
  it('holds the built-in tools and accepts new ones once', () => {
    const tools = registry();
    expect(tools.names()).toEqual(['get_time', 'http_request', 'run_javascript']);
    expect(tools.has('http_request')).toBe(true);
    expect(tools.get('nope')).toBeUndefined();
    tools.register({
      name: 'remember',
      description: 'stores a fact',
      inputSchema: z.object({ fact: z.string() }),
      requiresApproval: () => false,
      idempotent: false,
      execute: async (input) => ({ stored: input.fact }),
    });
    expect(tools.list().map((tool) => tool.name)).toContain('remember');
    let thrown: unknown;
    try {
      tools.register(getTimeTool);
    } catch (error) {
      thrown = error;
    }
    expect(isColonyError(thrown, 'conflict')).toBe(true);
  });

  it('gives every tool an input schema the model can read as JSON schema', () => {
    const schemas = registry()
      .list()
      .map((tool) => z.toJSONSchema(tool.inputSchema));
    expect(schemas[1]).toMatchObject({
      properties: {
        method: { enum: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] },
        endpoint: { type: 'string' },
      },
    });
    expect(schemas[2]).toMatchObject({ properties: { code: { type: 'string' } }, required: ['code'] });
  });

  it('builds AI SDK tools without execute, which the offline model can call', async () => {
    const tools = toAiSdkTools(registry(), ['get_time']);
    expect(Object.keys(tools)).toEqual(['get_time']);
    expect(tools.get_time?.execute).toBeUndefined();
    const result = await generateText({
      model: createOfflineModel('echo', { delayMs: 0 }),
      tools,
      prompt: 'time? /tool get_time {"timezone":"Europe/Paris"}',
    });
    expect(result.toolCalls).toMatchObject([{ toolName: 'get_time', input: { timezone: 'Europe/Paris' } }]);
    expect(() => toAiSdkTools(registry(), ['missing'])).toThrow(/unknown tool "missing"/);
  });
});
