import type { z } from 'zod';
import type { HttpEndpoints } from './http/http-endpoint.js';

/** A JSON Schema object, as a remote tool describes its input. */
export type JsonSchemaObject = Record<string, unknown>;

/** What a tool sees of the run that calls it. */
export interface ToolContext {
  /** Aborts when the run is canceled or the worker shuts down. */
  signal: AbortSignal;
  /** Milliseconds since the epoch, from the injected clock. */
  now(): number;
  orgId: string;
  runId: string;
  toolCallId: string;
  /** The durable task executing the run: the parent of any work the tool starts and waits for. */
  taskId: string | null;
  agentId: string;
  chatId: string;
  /** Who started the run (an API key or user id). */
  createdBy: string | null;
  /** The agent's named HTTP endpoints (`http_request`). */
  httpEndpoints: HttpEndpoints;
}

/**
 * Returned by `execute` when the tool started work that takes a while (a delegated run): the run
 * suspends without holding a worker, and `resume(state)` is asked again each time it wakes.
 */
export interface ToolWait {
  readonly kind: 'tool-wait';
  readonly reason: string;
  readonly state: unknown;
}

export function waitForResult(reason: string, state: unknown): ToolWait {
  return { kind: 'tool-wait', reason, state };
}

export function isToolWait(value: unknown): value is ToolWait {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'tool-wait';
}

/**
 * A tool the runtime can offer to a model. The runtime validates the model's input with
 * `inputSchema`, asks `requiresApproval`, persists the call, then calls `execute`.
 */
export interface ToolDefinition<Input = unknown, Output = unknown> {
  name: string;
  /** Shown to the model. */
  description: string;
  inputSchema: z.ZodType<Input>;
  /** The JSON Schema shown to the model instead of `inputSchema`'s (a tool described elsewhere: MCP). */
  modelInputSchema?: JsonSchemaObject;
  /** True when a human must approve this call before it runs (unless the agent's policy says otherwise). */
  requiresApproval(input: Input): boolean;
  /**
   * True when this call changes something outside the run: what the `mutating` approval policy
   * waits for. A tool without it counts as mutating.
   */
  isMutating?(input: Input): boolean;
  /** True when re-executing after a crash interrupted the call mid-way is safe. */
  idempotent: boolean | ((input: Input) => boolean);
  /** May return `waitForResult(…)` (declare `ToolWait` in `Output`) to suspend the run. */
  execute(input: Input, context: ToolContext): Promise<Output>;
  /** For tools that return `waitForResult`: the output once ready, or `done: false` to keep waiting. */
  resume?(state: unknown, context: ToolContext): Promise<{ done: true; output: unknown } | { done: false }>;
}
