import type { Agent, CreateAgentInput, UpdateAgentInput } from '../agents/index.js';
import type { Chat, Message } from '../chats/index.js';
import type { CatalogEvent, EventType, LiveEvent, StoredEvent } from '../events/index.js';
import type { ApiKey, AuditQuery, AuditRecord } from '../identity/index.js';
import type {
  Memory,
  MemoryHistory,
  MemoryHit,
  MemoryLogEntry,
  MemoryScope,
  MemoryType,
  WriteResult,
} from '../memory/index.js';
import type { ApprovalInput, Run, RunStep } from '../runtime/index.js';
import type {
  CreateScheduleInput,
  Schedule,
  ScheduleFiring,
  ScheduleTarget,
  UpdateScheduleInput,
} from '../schedules/index.js';
import type {
  Budget,
  BudgetInput,
  UsageDimension,
  UsageQuery,
  UsageReport,
  UsageRow,
} from '../usage/index.js';

export type { CreateScheduleInput, Schedule, ScheduleFiring, ScheduleTarget, UpdateScheduleInput };

/** `GET /v1/schedules/{id}`: a schedule with its next run times and last firings. */
export interface ScheduleDetail extends Schedule {
  upcoming: number[];
  history: ScheduleFiring[];
}

export type {
  Agent,
  ApiKey,
  ApprovalInput,
  AuditQuery,
  AuditRecord,
  Budget,
  BudgetInput,
  CatalogEvent,
  Chat,
  CreateAgentInput,
  EventType,
  LiveEvent,
  Message,
  Run,
  RunStep,
  StoredEvent,
  UpdateAgentInput,
  UsageDimension,
  UsageQuery,
  UsageReport,
  UsageRow,
};

export interface Page {
  limit?: number;
  cursor?: string;
}

export interface AgentPage {
  agents: Agent[];
  nextCursor: string | null;
}

/** A page of `GET /v1/audit`, newest first. */
export interface AuditPage {
  entries: AuditRecord[];
  nextCursor: string | null;
}

export interface ChatPage {
  chats: Chat[];
  nextCursor: string | null;
}

export interface MessagePage {
  messages: Message[];
  nextCursor: number | null;
}

/** The run a posted message started, as returned with the 202. */
export interface RunRef {
  id: string;
  status: string;
  model: string;
  /** True when the built-in offline model answers (deterministic, not AI). */
  offline: boolean;
}

export interface PostedMessage {
  message: Message;
  run: RunRef;
}

export type RunWithSteps = Run & { steps: RunStep[] };

export interface CreatedKey {
  apiKey: ApiKey;
  /** The plaintext key: shown only in this response. */
  key: string;
}

/**
 * One event of a run's stream, discriminated by `event`: stored events carry their sequence as
 * `id` and their catalog payload; live deltas (`run-text-delta`, `run-reasoning-delta`,
 * `data.payload.delta`) have `id: null`.
 *
 * @example
 * for await (const item of colony.messages.stream(chatId, 'hi')) {
 *   if (item.event === 'run-text-delta') process.stdout.write(item.data.payload.delta);
 *   if (item.event === 'tool-call-approval-requested') console.log(item.data.payload.toolName);
 * }
 */
export type RunStreamEvent =
  | { [K in EventType]: { id: string; event: K; data: CatalogEvent<K> } }[EventType]
  | { [K in LiveEvent['type']]: { id: null; event: K; data: LiveEvent & { type: K } } }[LiveEvent['type']];

export interface StreamOptions {
  signal?: AbortSignal;
  /** Resume after this event id (`Last-Event-ID`). */
  lastEventId?: string;
  /** Consecutive reconnect attempts before giving up (default 10); 0 disables reconnecting. */
  retries?: number;
  /** First delay between reconnect attempts in ms, doubling up to 5 s (default 200). */
  retryDelayMs?: number;
}

export type { Memory, MemoryHistory, MemoryHit, MemoryLogEntry, MemoryScope, MemoryType };
export type MemoryWriteResult = WriteResult;

/** `POST /v1/memories`; without `scope`: the key's own user scope, or the org when it has no user. */
export interface CreateMemoryInput {
  content: string;
  type?: MemoryType;
  /** `{ kind, id }`, or `kind:id` / `user` / `org` (the caller's own). */
  scope?: MemoryScope | string;
  importance?: number;
  confidence?: number;
  tags?: string[];
  pinned?: boolean;
  validTo?: number | null;
}

/** One item of `POST /v1/memories/import`: a memory with its own scope, time and provenance. */
export interface ImportMemoryItem extends CreateMemoryInput {
  /** When what it describes happened (epoch ms); default: now. */
  occurredAt?: number;
  /** Where it came from (a file and line, a system); kept in the memory's log entry. */
  source?: string;
}

/** The answer of `POST /v1/memories/import`: one entry per item, in order. */
export interface MemoryImportResult {
  created: number;
  duplicates: number;
  items: Array<{ id: string; action: 'created' | 'duplicate' }>;
}

/** Filters of `GET /v1/memories/search`; lists are comma-separated (`scope: 'user,agent:agt_1'`). */
export interface MemorySearchOptions {
  scope?: string | undefined;
  type?: string | undefined;
  tag?: string | undefined;
  limit?: number | undefined;
  includeInvalid?: boolean | undefined;
}
