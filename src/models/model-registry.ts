import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { ColonyError } from '../errors/index.js';
import { defaultPrices } from './default-prices.js';
import type { ModelsConfig } from './models-config.js';
import { createOfflineModel } from './offline/offline-model.js';

/** A model spec resolved to a usable AI SDK model. */
export type ResolvedModel = {
  spec: string;
  provider: string;
  modelId: string;
  /** True for the built-in offline model, whose answers are not AI. */
  offline: boolean;
  model: LanguageModelV3;
};

/** Resolves `provider:model` specs to models and knows what they cost. */
export interface ModelRegistry {
  resolve(spec: string): ResolvedModel;
  defaultModelSpec(): string;
  isKnown(spec: string): boolean;
  providers(): Array<{ name: string; configured: boolean; offline: boolean }>;
  describe(): string;
  costOf(spec: string, usage: { inputTokens: number; outputTokens: number }): number;
}

const realProviders = ['openai', 'anthropic', 'compatible'] as const;
type RealProvider = (typeof realProviders)[number];

const defaultModels: Record<RealProvider, string> = {
  openai: 'openai:gpt-4o-mini',
  anthropic: 'anthropic:claude-sonnet-4-5',
  compatible: 'compatible:default',
};

const offlineDescription = 'answers are deterministic restatements, not AI';

/** Splits `provider:model`; throws `invalid_input` when either half is missing. */
export function parseModelSpec(spec: string): { provider: string; modelId: string } {
  const separator = spec.indexOf(':');
  const provider = spec.slice(0, separator);
  const modelId = spec.slice(separator + 1);
  if (separator <= 0 || modelId === '') {
    throw new ColonyError(
      'invalid_input',
      `model spec "${spec}" must be provider:model, e.g. openai:gpt-4o-mini`,
    );
  }
  return { provider, modelId };
}

function modelFactory(
  config: ModelsConfig,
  provider: string,
): ((modelId: string) => LanguageModelV3) | undefined {
  if (provider === 'offline') return (modelId) => createOfflineModel(modelId, config.offline);
  if (provider === 'openai' && config.openai !== undefined) {
    return createOpenAI({ apiKey: config.openai.apiKey, baseURL: config.openai.baseUrl });
  }
  if (provider === 'anthropic' && config.anthropic !== undefined) {
    return createAnthropic({ apiKey: config.anthropic.apiKey, baseURL: config.anthropic.baseUrl });
  }
  if (provider === 'compatible' && config.compatible !== undefined) {
    const { baseUrl, apiKey, name } = config.compatible;
    return createOpenAICompatible({ baseURL: baseUrl, apiKey, name: name ?? 'compatible' });
  }
  return undefined;
}

/**
 * Creates the model registry. Real providers are built lazily and resolved models are cached; the
 * offline provider is always available but is the default only when no real provider is configured.
 *
 * @throws ColonyError `invalid_input` when `config.defaultModel` names an unconfigured provider.
 * @example
 * const models = createModelRegistry(config.models);
 * const { model } = models.resolve(models.defaultModelSpec());
 */
export function createModelRegistry(config: ModelsConfig): ModelRegistry {
  const prices = { ...defaultPrices, ...config.prices };
  const factories = new Map<string, (modelId: string) => LanguageModelV3>();
  const cache = new Map<string, ResolvedModel>();
  const configured = realProviders.filter((provider) => config[provider] !== undefined);

  function factoryFor(provider: string): ((modelId: string) => LanguageModelV3) | undefined {
    const existing = factories.get(provider);
    if (existing !== undefined) return existing;
    const created = modelFactory(config, provider);
    if (created !== undefined) factories.set(provider, created);
    return created;
  }

  const registry: ModelRegistry = {
    resolve(spec) {
      const cached = cache.get(spec);
      if (cached !== undefined) return cached;
      const { provider, modelId } = parseModelSpec(spec);
      const factory = factoryFor(provider);
      if (factory === undefined) {
        const known = ['offline', ...configured].join(', ');
        throw new ColonyError(
          'invalid_input',
          `model provider "${provider}" is unknown or not configured (available: ${known})`,
        );
      }
      const resolved = { spec, provider, modelId, offline: provider === 'offline', model: factory(modelId) };
      cache.set(spec, resolved);
      return resolved;
    },
    defaultModelSpec() {
      if (config.defaultModel !== undefined) return config.defaultModel;
      const first = configured[0];
      return first === undefined ? 'offline:echo' : defaultModels[first];
    },
    isKnown(spec) {
      const separator = spec.indexOf(':');
      if (separator <= 0 || separator === spec.length - 1) return false;
      const provider = spec.slice(0, separator);
      return provider === 'offline' || configured.some((name) => name === provider);
    },
    providers() {
      return [
        ...realProviders.map((name) => ({ name, configured: configured.includes(name), offline: false })),
        { name: 'offline', configured: true, offline: true },
      ];
    },
    describe() {
      if (configured.length === 0) return `offline (no model provider configured — ${offlineDescription})`;
      const spec = registry.defaultModelSpec();
      const note = spec.startsWith('offline:') ? ` — offline model, ${offlineDescription}` : '';
      return `${configured.join(', ')} (default ${spec}${note})`;
    },
    costOf(spec, usage) {
      if (spec.startsWith('offline:')) return 0;
      const price = prices[spec];
      if (price === undefined) return 0;
      return (
        (usage.inputTokens * price.inputPerMillion + usage.outputTokens * price.outputPerMillion) / 1_000_000
      );
    },
  };

  if (config.defaultModel !== undefined && !registry.isKnown(config.defaultModel)) {
    throw new ColonyError(
      'invalid_input',
      `default model "${config.defaultModel}" needs a configured provider (configured: ${['offline', ...configured].join(', ')})`,
    );
  }
  return registry;
}
