import { invalidInput } from '../../errors/index.js';
import type { UiMessage } from './ui-chat-schemas.js';
import { parseApprovalId } from './ui-chunks.js';

export interface ApprovalResponse {
  runId: string;
  toolCallId: string;
  decision: 'approve' | 'reject';
  reason?: string;
}

/** What a UI request asks for: a new user turn, or decisions on a waiting run's tool calls. */
export type UiRequest =
  | { kind: 'turn'; content: string }
  | { kind: 'approvals'; responses: ApprovalResponse[] };

function isToolPart(type: string): boolean {
  return type === 'dynamic-tool' || type.startsWith('tool-');
}

/** Reads the last message of a `DefaultChatTransport` request. */
export function readUiRequest(messages: readonly UiMessage[]): UiRequest {
  const index = messages.length - 1;
  const last = messages[index];
  if (last?.role === 'assistant') {
    const responses: ApprovalResponse[] = [];
    for (const [position, part] of last.parts.entries()) {
      if (!isToolPart(part.type) || part.state !== 'approval-responded') continue;
      const approval = part.approval as { id?: unknown; approved?: unknown; reason?: unknown } | undefined;
      const ids = typeof approval?.id === 'string' ? parseApprovalId(approval.id) : undefined;
      if (!ids)
        throw invalidInput(`messages.${index}.parts.${position}.approval.id`, 'not a Colony approval id');
      responses.push({
        ...ids,
        decision: approval?.approved === true ? 'approve' : 'reject',
        ...(typeof approval?.reason === 'string' ? { reason: approval.reason.slice(0, 2000) } : {}),
      });
    }
    if (responses.length > 0) return { kind: 'approvals', responses };
  }
  if (last?.role !== 'user') {
    throw invalidInput(
      `messages.${index}.role`,
      'the last message must be a user message or approval responses',
    );
  }
  const content = last.parts
    .filter((part) => part.type === 'text' && typeof part.text === 'string')
    .map((part) => String(part.text))
    .join('\n');
  if (content.trim() === '') throw invalidInput(`messages.${index}.parts`, 'the user message has no text');
  return { kind: 'turn', content };
}
