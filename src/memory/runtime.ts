import type { Context, Services } from '../context/index.js';
import { AccessTracker } from './access-tracker.js';
import type { Embedder } from './embedder.js';
import { createOfflineEmbedder } from './offline-embedder.js';
import type { SignalWeights } from './types.js';
import { VectorCache } from './vector-cache.js';

/** Default fusion weights (docs/memory.md explains them). */
export const defaultWeights: SignalWeights = {
  semantic: 0.4,
  lexical: 0.3,
  recency: 0.1,
  importance: 0.15,
  frequency: 0.05,
};

export interface MemorySettings {
  weights: SignalWeights;
  /** Recency half-life: a memory this old scores 0.5 on recency. Default 30 days. */
  recencyHalfLifeMs: number;
  /** Access count that scores 1.0 on frequency (log-scaled below it). Default 50. */
  frequencySaturation: number;
  /** Cosine at or above which two memories of one type and scope are near-duplicates. Default 0.9. */
  nearDuplicateThreshold: number;
  /** Each signal contributes up to `limit × candidateMultiplier` candidates (min 50). Default 5. */
  candidateMultiplier: number;
  /** What one turn may add during extraction. Default 10. */
  maxMemoriesPerTurn: number;
  /** How often access statistics are flushed. Default 1,000 ms. */
  accessFlushMs: number;
}

export const defaultMemorySettings: MemorySettings = {
  weights: defaultWeights,
  recencyHalfLifeMs: 30 * 24 * 60 * 60 * 1000,
  frequencySaturation: 50,
  nearDuplicateThreshold: 0.9,
  candidateMultiplier: 5,
  maxMemoriesPerTurn: 10,
  accessFlushMs: 1000,
};

/** Write stages where tests may inject a failure to prove a write is all-or-nothing. */
export type WriteStage = 'after-insert' | 'after-index' | 'after-tags' | 'after-log' | 'before-commit';

/** The memory engine's process-wide state: embedder, vector cache, access buffer, settings. */
export interface MemoryRuntime {
  readonly embedder: Embedder;
  readonly settings: MemorySettings;
  readonly vectors: VectorCache;
  readonly access: AccessTracker;
  /** Test hook: throw from here to simulate a crash mid-write. */
  faultInjector: ((stage: WriteStage) => void) | null;
  /** Flushes access statistics and stops the timer. Call before closing the database. */
  close(): Promise<void>;
}

export interface MemoryRuntimeOptions {
  embedder?: Embedder;
  settings?: Partial<MemorySettings>;
}

/** Services with an optional memory runtime; without one, a default offline runtime is used. */
export type MemoryServices = Services & { memory?: MemoryRuntime };
export type MemoryContext = Context<{ memory?: MemoryRuntime }>;

/**
 * Creates the memory runtime for a process. Put it on `services.memory`.
 *
 * @example
 * const memory = createMemoryRuntime(services, { embedder: createOfflineEmbedder() });
 * const context = { services: { ...services, memory }, actor, signal };
 */
export function createMemoryRuntime(services: Services, options: MemoryRuntimeOptions = {}): MemoryRuntime {
  const embedder = options.embedder ?? createOfflineEmbedder();
  const settings: MemorySettings = {
    ...defaultMemorySettings,
    ...options.settings,
    weights: { ...defaultWeights, ...options.settings?.weights },
  };
  const access = new AccessTracker(services.database, settings.accessFlushMs, services.logger);
  return {
    embedder,
    settings,
    vectors: new VectorCache(embedder),
    access,
    faultInjector: null,
    close: () => access.close(),
  };
}

const defaults = new WeakMap<object, MemoryRuntime>();

/** `services.memory`, or a default offline runtime shared per database. */
export function memoryRuntime(services: MemoryServices): MemoryRuntime {
  if (services.memory) return services.memory;
  let runtime = defaults.get(services.database);
  if (!runtime) {
    runtime = createMemoryRuntime(services);
    defaults.set(services.database, runtime);
  }
  return runtime;
}
