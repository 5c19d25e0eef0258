import type { ModelMessage } from 'ai';
import type { Transaction } from 'kysely';
import type { Agent } from '../agents/index.js';
import type { Context, Services } from '../context/index.js';
import type { NewEvent } from '../events/index.js';
import type { ModelRegistry } from '../models/index.js';
import type { Schema } from '../storage/index.js';
import type { ToolRegistry } from '../tools/index.js';

export const runStatuses = ['queued', 'running', 'waiting', 'succeeded', 'failed', 'canceled'] as const;
export type RunStatus = (typeof runStatuses)[number];
export const terminalRunStatuses: readonly RunStatus[] = ['succeeded', 'failed', 'canceled'];

/**
 * Tool step states. A call needing approval waits in `awaiting-approval` until a human decides;
 * `started` is written before execution, so a crash mid-call is visible at resume.
 */
export type ToolStepStatus =
  | 'awaiting-approval'
  | 'approved'
  | 'rejected'
  | 'started'
  | 'waiting-result'
  | 'completed'
  | 'failed';

export interface ToolCallRecord {
  toolCallId: string;
  toolName: string;
  input: unknown;
}

export interface ModelStepPayload {
  text: string;
  /** The model's reasoning, when it shows it (streamed live as `run-reasoning-delta`). */
  reasoning?: string;
  toolCalls: ToolCallRecord[];
  finishReason: string;
  usage: { inputTokens: number; outputTokens: number };
}

export interface ToolStepPayload {
  input: unknown;
  output?: unknown;
  error?: string;
  decision?: { decision: 'approve' | 'reject'; reason: string | null; by: string; at: number };
  /** When an approval request stops waiting for a human (epoch ms); absent when it never does. */
  expiresAt?: number;
  attempts?: number;
  /** What a waiting tool needs to resume (e.g. the delegated run's id). */
  state?: unknown;
}

export interface RunStep {
  id: string;
  index: number;
  kind: 'model' | 'tool';
  status: string;
  toolCallId: string | null;
  toolName: string | null;
  payload: ModelStepPayload | ToolStepPayload;
  createdAt: number;
  completedAt: number | null;
}

export interface Run {
  id: string;
  orgId: string;
  chatId: string;
  agentId: string;
  agentVersion: number;
  triggerMessageId: string;
  status: RunStatus;
  model: string;
  offline: boolean;
  stepCount: number;
  usage: { inputTokens: number; outputTokens: number; costUsd: number };
  error: string | null;
  taskId: string | null;
  createdBy: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface RuntimeSettings {
  maxRunSteps: number;
  recentWindowTokens: number;
  /** How long a tool call waits for a human approval before it is rejected; 0: forever. */
  approvalTtlMs: number;
}

/** The prompt of a model step before this run's own steps are appended. */
export interface AssembledContext {
  system: string;
  messages: ModelMessage[];
  /** Events describing how the context was built; stored with the model step they served. */
  events?: NewEvent[];
}

/**
 * Extension points of the run loop. The memory engine plugs in here: it assembles the context
 * (pinned and retrieved memories, the chat summary, the recent window) and, in the transaction
 * that finishes a run, enqueues the durable extraction of the new turns.
 */
export interface RunHooks {
  assembleContext?(run: Run, agent: Agent): Promise<AssembledContext>;
  afterFinish?(transaction: Transaction<Schema>, run: Run, agent: Agent, status: RunStatus): Promise<void>;
}

/** What the runtime needs beyond the common services. */
export interface RuntimeServices extends Services {
  models: ModelRegistry;
  tools: ToolRegistry;
  runtime: RuntimeSettings;
  runHooks: RunHooks;
}

export type RuntimeContext = Context<RuntimeServices>;
