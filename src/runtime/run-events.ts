import type { NewEvent } from '../events/index.js';
import type { Run } from './run-types.js';

/** An event about `run`, with its org, chat and run ids filled in. */
export function runEvent(
  run: Run,
  type: string,
  payload: Record<string, unknown> = {},
  subjectId?: string,
): NewEvent {
  return {
    type,
    orgId: run.orgId,
    runId: run.id,
    conversationId: run.chatId,
    subjectId: subjectId ?? run.id,
    payload,
  };
}
