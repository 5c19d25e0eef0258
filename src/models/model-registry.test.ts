import { describe, expect, it } from 'vitest';
import { isColonyError } from '../errors/index.js';
import { createModelRegistry } from './model-registry.js';
import type { ModelsConfig } from './models-config.js';

function config(overrides: Partial<ModelsConfig> = {}): ModelsConfig {
  return { prices: {}, offline: { delayMs: 0 }, ...overrides };
}

describe('model registry', () => {
  it('defaults to offline only when no real provider is configured', () => {
    const registry = createModelRegistry(config());
    expect(registry.defaultModelSpec()).toBe('offline:echo');
    expect(registry.describe()).toBe(
      'offline (no model provider configured — answers are deterministic restatements, not AI)',
    );
    expect(registry.resolve('offline:echo')).toMatchObject({
      provider: 'offline',
      modelId: 'echo',
      offline: true,
    });
  });

  it('prefers the first configured real provider', () => {
    expect(createModelRegistry(config({ openai: { apiKey: 'k' } })).defaultModelSpec()).toBe(
      'openai:gpt-4o-mini',
    );
    const anthropic = createModelRegistry(config({ anthropic: { apiKey: 'k' } }));
    expect(anthropic.defaultModelSpec()).toBe('anthropic:claude-sonnet-4-5');
    expect(anthropic.describe()).toBe('anthropic (default anthropic:claude-sonnet-4-5)');
    const compatible = createModelRegistry(config({ compatible: { baseUrl: 'http://127.0.0.1:11434/v1' } }));
    expect(compatible.defaultModelSpec()).toBe('compatible:default');
  });

  it('uses the configured default model and refuses one without a provider', () => {
    const registry = createModelRegistry(config({ defaultModel: 'openai:gpt-4.1', openai: { apiKey: 'k' } }));
    expect(registry.defaultModelSpec()).toBe('openai:gpt-4.1');
    expect(() => createModelRegistry(config({ defaultModel: 'anthropic:claude-haiku-4-5' }))).toThrow(
      /needs a configured provider/,
    );
  });

  it('resolves real providers without network and caches them', () => {
    const registry = createModelRegistry(
      config({ openai: { apiKey: 'k' }, anthropic: { apiKey: 'k' }, compatible: { baseUrl: 'http://x/v1' } }),
    );
    const openai = registry.resolve('openai:gpt-4o-mini');
    expect(openai).toMatchObject({ provider: 'openai', modelId: 'gpt-4o-mini', offline: false });
    expect(openai.model.modelId).toBe('gpt-4o-mini');
    expect(registry.resolve('openai:gpt-4o-mini')).toBe(openai);
    expect(registry.resolve('anthropic:claude-sonnet-4-5').model.provider).toContain('anthropic');
    expect(registry.resolve('compatible:llama3.1').model.modelId).toBe('llama3.1');
    expect(registry.describe()).toBe('openai, anthropic, compatible (default openai:gpt-4o-mini)');
  });

  it('rejects unknown or unconfigured providers and malformed specs', () => {
    const registry = createModelRegistry(config());
    for (const spec of ['openai:gpt-4o', 'mystery:model', 'no-colon', 'offline:']) {
      let thrown: unknown;
      try {
        registry.resolve(spec);
      } catch (error) {
        thrown = error;
      }
      expect(isColonyError(thrown, 'invalid_input')).toBe(true);
      expect(registry.isKnown(spec)).toBe(false);
    }
    expect(registry.isKnown('offline:anything')).toBe(true);
    expect(registry.providers()).toContainEqual({ name: 'openai', configured: false, offline: false });
  });

  it('prices usage per million tokens; offline and unknown models are free', () => {
    const registry = createModelRegistry(
      config({
        openai: { apiKey: 'k' },
        prices: { 'openai:m': { inputPerMillion: 2, outputPerMillion: 8 } },
      }),
    );
    expect(registry.costOf('openai:m', { inputTokens: 1_000_000, outputTokens: 500_000 })).toBe(6);
    expect(registry.costOf('openai:unknown', { inputTokens: 10, outputTokens: 10 })).toBe(0);
    expect(registry.costOf('offline:echo', { inputTokens: 10, outputTokens: 10 })).toBe(0);
  });
});

describe('model prices', () => {
  it('lays the configured prices over the built-in table', () => {
    const registry = createModelRegistry(
      config({
        prices: {
          'compatible:llama3.1': { inputPerMillion: 0, outputPerMillion: 0.1 },
          'openai:gpt-4o': { inputPerMillion: 1, outputPerMillion: 1 },
        },
      }),
    );
    const usage = { inputTokens: 1_000_000, outputTokens: 1_000_000 };
    expect(registry.costOf('compatible:llama3.1', usage)).toBeCloseTo(0.1);
    expect(registry.costOf('openai:gpt-4o', usage)).toBe(2);
    expect(registry.costOf('openai:gpt-4o-mini', usage)).toBeCloseTo(0.75);
  });
});
