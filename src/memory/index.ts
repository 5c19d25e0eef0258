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
export type { MemoryConfig } from './memory-config.js';
export { type MemoryInput, maxContentLength, maxTagLength, maxTags } from './memory-input.js';
export {
  consolidationJobName,
  createMemoryConsolidateHandler,
  createMemoryExtractHandler,
  ensureConsolidationSchedule,
  ensureConsolidationSchedules,
  memoryConsolidateKind,
  memoryTaskHandlers,
} from './memory-tasks.js';
export {
  createMemoryTools,
  type MemoryToolScope,
  type MemoryTools,
  resolveScopeFromRun,
} from './memory-tools.js';
export { createOfflineEmbedder, type OfflineEmbedderOptions } from './offline-embedder.js';
export { type ExtractedFact, extractFactsOffline } from './offline-extractor.js';
export {
  createMemoryRunHooks,
  type MemoryWiringServices,
  memoryExtractKind,
  policyWeights,
} from './run-hooks.js';
export { factsScopeOf, loadRunTurn, type RunTurn } from './run-turn.js';
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
export { defaultWriteScope, parseScopeList, parseSingleScope } from './scope-selection.js';
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
export { compactIfOverflowing, type WindowCompactionInput } from './window-compaction.js';
export {
  createInProcessWorkingMemory,
  type InProcessWorkingMemoryOptions,
  type WorkingMemory,
} from './working-memory.js';
