export {
  type CompactInput,
  type CompactionResult,
  compactConversation,
  offlineSummary,
} from './compaction.js';
export { type ConsolidateInput, type ConsolidationReport, consolidateMemories } from './consolidation.js';
export { type AssembleInput, assembleMemoryContext, type MemoryContextBlock } from './context-assembly.js';
export { isRealModel } from './contradiction.js';
export {
  createAiSdkEmbedder,
  type Embedder,
  normalizeVector,
  packVector,
  unpackVector,
} from './embedder.js';
export {
  type ConversationMessage,
  type ExtractionInput,
  type ExtractionPlan,
  type ExtractionResult,
  extractMemories,
  planExtraction,
} from './extraction.js';
export { type ImportResult, importMemories } from './import.js';
export {
  addMemory,
  deleteMemory,
  getMemory,
  type MemoryHistory,
  type MemoryPatch,
  memoryHistory,
  updateMemory,
} from './memories.js';
export { type MemoryInput, maxContentLength, maxTagLength, maxTags } from './memory-input.js';
export {
  createMemoryTools,
  type MemoryToolScope,
  type MemoryTools,
  resolveScopeFromRun,
} from './memory-tools.js';
export { createOfflineEmbedder, type OfflineEmbedderOptions } from './offline-embedder.js';
export { type ExtractedFact, extractFactsOffline } from './offline-extractor.js';
export {
  createMemoryRuntime,
  defaultMemorySettings,
  defaultWeights,
  type MemoryContext,
  type MemoryRuntime,
  type MemoryRuntimeOptions,
  type MemoryServices,
  type MemorySettings,
  memoryRuntime,
} from './runtime.js';
export { authorizeScopes, canSeeScope, scopesForTurn } from './scopes.js';
export { type SearchInput, searchMemories } from './search.js';
export { markInjected, stripInjected } from './text.js';
export type {
  Memory,
  MemoryHit,
  MemoryLogEntry,
  MemoryScope,
  MemorySignals,
  MemoryType,
  ScopeKind,
  SignalWeights,
  WriteAction,
  WriteResult,
} from './types.js';
export { memoryTypes, scopeKinds } from './types.js';
export {
  createInProcessWorkingMemory,
  type InProcessWorkingMemoryOptions,
  type WorkingMemory,
} from './working-memory.js';
