import type { TurnOutcome } from '../../turns/index.js';

/** What a client is told while a run waits for approvals (also in `colony.approvals`). */
export function waitingText(outcome: TurnOutcome): string {
  const calls = outcome.approvals.map((approval) => `${approval.toolName} (${approval.toolCallId})`);
  return `Waiting for a human decision on ${calls.join(', ') || 'a tool call'}: POST /v1/runs/${outcome.runId}/approvals; the answer then arrives as the chat's next message.`;
}
