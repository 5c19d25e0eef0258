import type { Context } from '../context/index.js';
import { getRun } from '../runtime/index.js';

export interface PendingApproval {
  toolCallId: string;
  toolName: string;
  input: unknown;
}

/** Where a run stands once a follower stops: its answer, or what it waits for, or why it failed. */
export interface TurnOutcome {
  runId: string;
  status: 'queued' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'canceled';
  /** The final answer (the last model step's text) of a succeeded run; '' otherwise. */
  text: string;
  usage: { inputTokens: number; outputTokens: number };
  error: string | null;
  /** Tool calls waiting for a human decision (`POST /v1/runs/:id/approvals`). */
  approvals: PendingApproval[];
}

/** Reads a run of the caller's org and says where it stands. */
export async function turnOutcome(context: Context, runId: string): Promise<TurnOutcome> {
  const run = await getRun(context, runId);
  const modelSteps = run.steps.filter((step) => step.kind === 'model');
  const last = modelSteps.at(-1)?.payload;
  const approvals = run.steps
    .filter((step) => step.kind === 'tool' && step.status === 'awaiting-approval')
    .map((step) => ({
      toolCallId: step.toolCallId ?? '',
      toolName: step.toolName ?? '',
      input: 'input' in step.payload ? step.payload.input : null,
    }));
  return {
    runId: run.id,
    status: run.status,
    text: run.status === 'succeeded' && last && 'text' in last ? last.text : '',
    usage: { inputTokens: run.usage.inputTokens, outputTokens: run.usage.outputTokens },
    error: run.error,
    approvals,
  };
}
