import type { EmbeddingModelV3 } from '@ai-sdk/provider';
import { embedMany } from 'ai';
import { ColonyError } from '../errors/index.js';

/**
 * Turns texts into L2-normalized vectors. `modelId` is stored beside every vector: vectors of
 * another model are never compared (re-embed when the model changes).
 */
export interface Embedder {
  readonly modelId: string;
  readonly dimensions: number;
  /** True when vectors are mostly zeros (the offline embedder); lets the cache use an inverted layout. */
  readonly sparse: boolean;
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
}

/** Scales a vector to unit length in place (a zero vector stays zero). */
export function normalizeVector(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let index = 0; index < vector.length; index++) sum += (vector[index] ?? 0) ** 2;
  const norm = Math.sqrt(sum);
  if (norm > 0)
    for (let index = 0; index < vector.length; index++) vector[index] = (vector[index] ?? 0) / norm;
  return vector;
}

export function dot(left: Float32Array, right: Float32Array): number {
  let sum = 0;
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index++) sum += (left[index] ?? 0) * (right[index] ?? 0);
  return sum;
}

/**
 * Adapts any AI SDK embedding model (`openai.embedding('text-embedding-3-small')`, an
 * openai-compatible server…) to an `Embedder`. Vectors are normalized so dot product = cosine.
 *
 * @example
 * const embedder = createAiSdkEmbedder(openai.embedding('text-embedding-3-small'), { dimensions: 1536 });
 */
export function createAiSdkEmbedder(
  model: EmbeddingModelV3,
  options: { dimensions: number; modelId?: string },
): Embedder {
  const modelId = options.modelId ?? `${model.provider}:${model.modelId}`;
  return {
    modelId,
    dimensions: options.dimensions,
    sparse: false,
    async embed(texts, signal) {
      if (texts.length === 0) return [];
      const result = await embedMany({
        model,
        values: [...texts],
        ...(signal ? { abortSignal: signal } : {}),
      });
      return result.embeddings.map((embedding) => {
        if (embedding.length !== options.dimensions) {
          throw new ColonyError(
            'unavailable',
            `embedding model ${modelId} returned ${embedding.length} dimensions, expected ${options.dimensions}`,
          );
        }
        return normalizeVector(Float32Array.from(embedding));
      });
    },
  };
}
