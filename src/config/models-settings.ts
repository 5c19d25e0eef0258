import { z } from 'zod';
import { jsonOr, setting } from './setting.js';

const text = z.string().trim().min(1);

const price = z.strictObject({
  inputPerMillion: z.number().nonnegative(),
  outputPerMillion: z.number().nonnegative(),
});

/** A hosted provider (`openai`, `anthropic`): configured when it has an API key. */
function hostedProvider(name: string, label: string) {
  const prefix = name.toUpperCase();
  return z
    .strictObject({
      apiKey: setting(text.optional(), {
        env: `${prefix}_API_KEY`,
        meaning: `${label} API key; setting it configures the provider`,
      }),
      baseUrl: setting(z.url().optional(), {
        env: `${prefix}_BASE_URL`,
        meaning: `${label} API base URL (a proxy or gateway); default the provider's own`,
      }),
    })
    .transform(({ apiKey, baseUrl }) => (apiKey === undefined ? undefined : { apiKey, baseUrl }))
    .prefault({});
}

/** `models.*`: providers, the default model and prices (the models capability's `ModelsConfig`). */
export const modelsSettings = z
  .strictObject({
    defaultModel: setting(
      text.regex(/^[a-z0-9-]+:.+$/, 'a provider:model spec, e.g. openai:gpt-4o-mini').optional(),
      {
        env: 'COLONY_DEFAULT_MODEL',
        meaning: 'model of agents that name none (`provider:model`)',
        defaultText: 'first configured provider, else `offline:echo`',
      },
    ),
    prices: setting(
      jsonOr(z.record(z.string().regex(/^[a-z0-9-]+:.+$/, 'keys must be provider:model'), price)).default({}),
      {
        env: 'COLONY_MODEL_PRICES',
        meaning:
          'prices over the built-in table, USD per million tokens: `{"provider:model":{"inputPerMillion":…,"outputPerMillion":…}}` (JSON in the environment)',
        defaultText: 'built-in table',
      },
    ),
    openai: hostedProvider('openai', 'OpenAI'),
    anthropic: hostedProvider('anthropic', 'Anthropic'),
    /** An OpenAI-compatible server (Ollama, LM Studio, vLLM, llama.cpp): configured by its URL. */
    compatible: z
      .strictObject({
        baseUrl: setting(z.url().optional(), {
          env: 'COLONY_COMPATIBLE_BASE_URL',
          meaning:
            'OpenAI-compatible server (Ollama, LM Studio, vLLM, llama.cpp), e.g. `http://127.0.0.1:11434/v1`; setting it configures the `compatible` provider',
        }),
        apiKey: setting(text.optional(), {
          env: 'COLONY_COMPATIBLE_API_KEY',
          meaning: 'API key of the OpenAI-compatible server, if it wants one',
        }),
      })
      .transform(({ baseUrl, apiKey }) => (baseUrl === undefined ? undefined : { baseUrl, apiKey }))
      .prefault({}),
    offline: z
      .strictObject({
        delayMs: setting(z.coerce.number().int().nonnegative().default(0), {
          env: 'COLONY_OFFLINE_DELAY_MS',
          meaning: 'offline model: delay per call (tests)',
        }),
        callLogFile: setting(text.optional(), {
          env: 'COLONY_OFFLINE_CALL_LOG',
          meaning: 'offline model: a file each call is appended to (tests)',
        }),
      })
      .prefault({}),
  })
  .prefault({});
