import type { MemoryContext } from './runtime.js';
import { memoryRuntime } from './runtime.js';

/**
 * Counts one access for each memory that was used: put into a prompt (context assembly, the
 * `recall` tool's result) or read on its own (`GET /v1/memories/{id}`). Searching alone counts
 * nothing, so a search never changes the ranking of later ones. Counts are buffered and flushed
 * in the background (`AccessTracker`).
 */
export function recordUse(context: MemoryContext, memories: ReadonlyArray<{ id: string }>): void {
  if (memories.length === 0) return;
  memoryRuntime(context.services).access.record(
    memories.map((memory) => memory.id),
    context.services.clock.now(),
  );
}
