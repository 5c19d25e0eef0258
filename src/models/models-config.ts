import { z } from 'zod';
import { ColonyError, fromZodError } from '../errors/index.js';
import { defaultPrices } from './default-prices.js';

/** Price of a model in USD per million tokens. */
export interface ModelPrice {
  inputPerMillion: number;
  outputPerMillion: number;
}

/** Which model providers are configured, and how models are priced. Immutable once built. */
export type ModelsConfig = {
  /** A `provider:model` spec used when an agent names no model. */
  defaultModel?: string | undefined;
  openai?: { apiKey: string; baseUrl?: string | undefined } | undefined;
  anthropic?: { apiKey: string; baseUrl?: string | undefined } | undefined;
  /** An OpenAI-compatible server (Ollama, LM Studio, vLLM, llama.cpp). */
  compatible?: { baseUrl: string; apiKey?: string | undefined; name?: string | undefined } | undefined;
  /** Prices keyed `provider:model`. */
  prices: Record<string, ModelPrice>;
  offline: { delayMs: number; callLogFile?: string | undefined };
};

const priceSchema = z.object({
  inputPerMillion: z.number().nonnegative(),
  outputPerMillion: z.number().nonnegative(),
});
const pricesSchema = z.record(
  z.string().regex(/^[a-z0-9-]+:.+$/, 'keys must be provider:model'),
  priceSchema,
);
const delaySchema = z.coerce.number().int().nonnegative();

function read(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function parsePrices(raw: string | undefined): Record<string, ModelPrice> {
  if (raw === undefined) return {};
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ColonyError('invalid_input', 'COLONY_MODEL_PRICES: not valid JSON', {
      fields: [{ path: 'COLONY_MODEL_PRICES', message: 'not valid JSON' }],
    });
  }
  const parsed = pricesSchema.safeParse(json);
  if (!parsed.success) throw fromZodError(parsed.error, 'COLONY_MODEL_PRICES');
  return parsed.data;
}

/**
 * Builds the models configuration from environment variables: `OPENAI_API_KEY`, `OPENAI_BASE_URL`,
 * `ANTHROPIC_API_KEY`, `ANTHROPIC_BASE_URL`, `COLONY_COMPATIBLE_BASE_URL`, `COLONY_COMPATIBLE_API_KEY`,
 * `COLONY_DEFAULT_MODEL`, `COLONY_OFFLINE_DELAY_MS`, `COLONY_OFFLINE_CALL_LOG` and
 * `COLONY_MODEL_PRICES` (JSON, merged over the default price table). Empty values count as unset.
 *
 * @throws ColonyError `invalid_input` naming the variable when a value is malformed.
 */
export function modelsConfigFromEnv(env: NodeJS.ProcessEnv): ModelsConfig {
  const openAiKey = read(env, 'OPENAI_API_KEY');
  const anthropicKey = read(env, 'ANTHROPIC_API_KEY');
  const compatibleUrl = read(env, 'COLONY_COMPATIBLE_BASE_URL');
  const delay = delaySchema.safeParse(read(env, 'COLONY_OFFLINE_DELAY_MS') ?? '0');
  if (!delay.success) throw fromZodError(delay.error, 'COLONY_OFFLINE_DELAY_MS');
  return {
    defaultModel: read(env, 'COLONY_DEFAULT_MODEL'),
    openai:
      openAiKey === undefined ? undefined : { apiKey: openAiKey, baseUrl: read(env, 'OPENAI_BASE_URL') },
    anthropic:
      anthropicKey === undefined
        ? undefined
        : { apiKey: anthropicKey, baseUrl: read(env, 'ANTHROPIC_BASE_URL') },
    compatible:
      compatibleUrl === undefined
        ? undefined
        : { baseUrl: compatibleUrl, apiKey: read(env, 'COLONY_COMPATIBLE_API_KEY') },
    prices: { ...defaultPrices, ...parsePrices(read(env, 'COLONY_MODEL_PRICES')) },
    offline: { delayMs: delay.data, callLogFile: read(env, 'COLONY_OFFLINE_CALL_LOG') },
  };
}
