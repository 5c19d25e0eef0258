import type { EventPayload, EventType, NewEvent } from '../events/index.js';
import type { Run } from './run-types.js';

/** An event about `run`, with its org, chat and run ids filled in. */
export function runEvent<T extends EventType>(
  run: Run,
  type: T,
  payload: EventPayload<T>,
  subjectId?: string,
): NewEvent<T> {
  return {
    type,
    orgId: run.orgId,
    runId: run.id,
    conversationId: run.chatId,
    subjectId: subjectId ?? run.id,
    payload,
  };
}
