/** An event to append. Types are noun-verb in kebab-case: `run-started`, `tool-call-approved`. */
export interface NewEvent {
  type: string;
  orgId: string;
  runId?: string | null;
  conversationId?: string | null;
  subjectId?: string | null;
  payload?: Record<string, unknown>;
}

/** An appended event with its global, gapless-in-commit-order sequence number. */
export interface StoredEvent {
  seq: number;
  id: string;
  orgId: string;
  type: string;
  runId: string | null;
  conversationId: string | null;
  subjectId: string | null;
  payload: Record<string, unknown>;
  createdAt: number;
}
