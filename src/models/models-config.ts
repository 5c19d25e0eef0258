/** Price of a model in USD per million tokens. */
export interface ModelPrice {
  inputPerMillion: number;
  outputPerMillion: number;
}

/**
 * Which model providers are configured, and how models are priced: the `models` slice of the
 * configuration (config/), handed over by createColony. A provider is present only when
 * configured (an API key, or the compatible server's URL).
 */
export type ModelsConfig = {
  /** A `provider:model` spec used when an agent names no model. */
  defaultModel?: string | undefined;
  openai?: { apiKey: string; baseUrl?: string | undefined } | undefined;
  anthropic?: { apiKey: string; baseUrl?: string | undefined } | undefined;
  /** An OpenAI-compatible server (Ollama, LM Studio, vLLM, llama.cpp). */
  compatible?: { baseUrl: string; apiKey?: string | undefined; name?: string | undefined } | undefined;
  /** Prices keyed `provider:model`, over the built-in table (`defaultPrices`). */
  prices: Readonly<Record<string, ModelPrice>>;
  offline: { delayMs: number; callLogFile?: string | undefined };
};
