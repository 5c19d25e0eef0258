/**
 * How the memory engine is wired into runs: the `memory` slice of the configuration, validated
 * and defaulted by config/ (README, "Configuration"), handed over by createColony.
 */
export interface MemoryConfig {
  /** Uncompacted messages (after `message_cursor`) a chat may hold before compaction. Default 40. */
  windowMessages: number;
  /** Messages that stay in the window after a compaction. Default 20. */
  keepRecent: number;
  /** Token budget of the memory block (pinned + retrieved memories) in a prompt. Default 1,500. */
  contextTokens: number;
  /** Upper bound of a chat's rolling summary, in characters. Default 4,000. */
  summaryMaxChars: number;
  /** Cron of the per-org consolidation job; null disables it. Default hourly (`0 * * * *`). */
  consolidateCron: string | null;
  /**
   * Where facts from a caller that is not a user (an API key without a user) go: `chat` (default;
   * recalled only in that chat) or `agent` (shared by every chat of the agent in the org).
   */
  anonymousScope: 'chat' | 'agent';
  /** `offline`, `openai:<model>` or `openai-compatible:<model>` (COLONY_EMBEDDING_MODEL). */
  embeddingModel: string;
  embeddingBaseUrl?: string | undefined;
  embeddingApiKey?: string | undefined;
  embeddingDimensions?: number | undefined;
}
