import type { z } from 'zod';

/** What a tool sees of the run that calls it. */
export interface ToolContext {
  /** Aborts when the run is canceled or the worker shuts down. */
  signal: AbortSignal;
  /** Milliseconds since the epoch, from the injected clock. */
  now(): number;
  orgId: string;
  runId: string;
  toolCallId: string;
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
  /** True when a human must approve this call before it runs. */
  requiresApproval(input: Input): boolean;
  /** True when re-executing after a crash interrupted the call mid-way is safe. */
  idempotent: boolean;
  execute(input: Input, context: ToolContext): Promise<Output>;
}
