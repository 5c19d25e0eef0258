export { createConfiguredEmbedder } from './configured-embedder.js';
export { searchScopes } from './default-scopes.js';
export { extractMemories } from './extraction.js';
export { importMemories } from './import.js';
export { addMemory, deleteMemory, getMemory, type MemoryHistory, memoryHistory } from './memories.js';
export { type MemoryInput, maxContentLength, maxImportItems, maxTagLength, maxTags } from './memory-input.js';
export { ensureConsolidationSchedules, memoryTaskHandlers } from './memory-tasks.js';
export { createMemoryTools } from './memory-tools.js';
export { ensureReembedTasks } from './reembed.js';
export { createMemoryRunHooks, type MemoryWiringServices } from './run-hooks.js';
export { createMemoryRuntime, type MemoryServices } from './runtime.js';
export { defaultWriteScope, parseSingleScope } from './scope-selection.js';
export { searchMemories } from './search.js';
export type {
  Memory,
  MemoryHit,
  MemoryLogEntry,
  MemoryScope,
  MemoryType,
  WriteResult,
} from './types.js';
export { memoryTypes, scopeKinds } from './types.js';
