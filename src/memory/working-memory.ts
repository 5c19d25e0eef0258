import { type Clock, systemClock } from '../kernel/index.js';

/**
 * A per-chat scratchpad / hot cache with time-to-live. In process now (`createInProcessWorkingMemory`);
 * a Redis implementation can replace it without changing callers (all methods are async).
 */
export interface WorkingMemory {
  get<T = unknown>(chatId: string, key: string): Promise<T | undefined>;
  /** `ttlMs` defaults to the store's default; the entry disappears after it. */
  set(chatId: string, key: string, value: unknown, options?: { ttlMs?: number }): Promise<void>;
  delete(chatId: string, key: string): Promise<boolean>;
  /** Live keys of a chat. */
  keys(chatId: string): Promise<string[]>;
  clear(chatId: string): Promise<void>;
}

export interface InProcessWorkingMemoryOptions {
  /** Entries across all chats before the least recently used is evicted. Default 10,000. */
  maxEntries?: number;
  /** Default time-to-live. Default 1 hour. */
  defaultTtlMs?: number;
  clock?: Clock;
}

/** An LRU map (Map insertion order = recency) with per-entry expiry, checked lazily. */
export function createInProcessWorkingMemory(options: InProcessWorkingMemoryOptions = {}): WorkingMemory {
  const maxEntries = options.maxEntries ?? 10_000;
  const defaultTtl = options.defaultTtlMs ?? 3_600_000;
  const clock = options.clock ?? systemClock;
  const now = () => clock.now();
  const entries = new Map<string, { value: unknown; expiresAt: number }>();
  const keyOf = (chatId: string, key: string) => `${chatId}\u0000${key}`;
  function live(composite: string): { value: unknown; expiresAt: number } | undefined {
    const entry = entries.get(composite);
    if (!entry) return undefined;
    if (entry.expiresAt <= now()) {
      entries.delete(composite);
      return undefined;
    }
    return entry;
  }
  return {
    async get<T>(chatId: string, key: string) {
      const composite = keyOf(chatId, key);
      const entry = live(composite);
      if (!entry) return undefined;
      entries.delete(composite);
      entries.set(composite, entry);
      return entry.value as T;
    },
    async set(chatId, key, value, setOptions) {
      const composite = keyOf(chatId, key);
      entries.delete(composite);
      entries.set(composite, { value, expiresAt: now() + (setOptions?.ttlMs ?? defaultTtl) });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
    },
    async delete(chatId, key) {
      return entries.delete(keyOf(chatId, key));
    },
    async keys(chatId) {
      const prefix = `${chatId}\u0000`;
      return [...entries.keys()]
        .filter((composite) => composite.startsWith(prefix) && live(composite) !== undefined)
        .map((composite) => composite.slice(prefix.length));
    },
    async clear(chatId) {
      const prefix = `${chatId}\u0000`;
      for (const composite of [...entries.keys()])
        if (composite.startsWith(prefix)) entries.delete(composite);
    },
  };
}
