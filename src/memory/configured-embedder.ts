import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { ColonyError } from '../errors/index.js';
import { createAiSdkEmbedder, type Embedder } from './embedder.js';
import type { MemoryConfig } from './memory-config.js';
import { createOfflineEmbedder } from './offline-embedder.js';

/** Vector sizes of OpenAI's embedding models (others need `memory.embeddingDimensions`). */
const openaiDimensions: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

export type EmbedderConfig = Pick<
  MemoryConfig,
  'embeddingModel' | 'embeddingBaseUrl' | 'embeddingApiKey' | 'embeddingDimensions'
>;

/**
 * The embedder `COLONY_EMBEDDING_MODEL` names: `offline` (the built-in hashing embedder),
 * `openai:<model>` or `openai-compatible:<model>`, through the AI SDK's `embedMany`. The stored
 * `embedding_model` is this spec, so vectors of another model are never compared with its own.
 *
 * @example
 * createConfiguredEmbedder({ embeddingModel: 'openai-compatible:nomic-embed-text',
 *   embeddingBaseUrl: 'http://127.0.0.1:11434/v1', embeddingDimensions: 768 });
 */
export function createConfiguredEmbedder(
  config: EmbedderConfig,
  fallback: { openai?: { apiKey: string; baseUrl?: string | undefined } | undefined } = {},
): Embedder {
  const spec = config.embeddingModel;
  if (spec === 'offline') return createOfflineEmbedder();
  const separator = spec.indexOf(':');
  const provider = spec.slice(0, separator);
  const modelId = spec.slice(separator + 1);
  if (provider === 'openai') {
    const dimensions = config.embeddingDimensions ?? openaiDimensions[modelId];
    if (dimensions === undefined) throw missingDimensions(spec);
    const apiKey = config.embeddingApiKey ?? fallback.openai?.apiKey;
    if (apiKey === undefined) {
      throw new ColonyError(
        'invalid_input',
        `embedding model ${spec} needs OPENAI_API_KEY or COLONY_EMBEDDING_API_KEY`,
      );
    }
    const baseURL = config.embeddingBaseUrl ?? fallback.openai?.baseUrl;
    const openai = createOpenAI({ apiKey, ...(baseURL ? { baseURL } : {}) });
    return createAiSdkEmbedder(openai.embedding(modelId), { dimensions, modelId: spec });
  }
  if (provider === 'openai-compatible') {
    if (config.embeddingDimensions === undefined) throw missingDimensions(spec);
    if (config.embeddingBaseUrl === undefined) {
      throw new ColonyError('invalid_input', `embedding model ${spec} needs COLONY_EMBEDDING_BASE_URL`);
    }
    const compatible = createOpenAICompatible({
      name: 'openai-compatible',
      baseURL: config.embeddingBaseUrl,
      ...(config.embeddingApiKey ? { apiKey: config.embeddingApiKey } : {}),
    });
    return createAiSdkEmbedder(compatible.embeddingModel(modelId), {
      dimensions: config.embeddingDimensions,
      modelId: spec,
    });
  }
  throw new ColonyError(
    'invalid_input',
    `unknown embedding model ${spec}; use offline, openai:… or openai-compatible:…`,
  );
}

function missingDimensions(spec: string): ColonyError {
  return new ColonyError('invalid_input', `embedding model ${spec} needs COLONY_EMBEDDING_DIMENSIONS`);
}
