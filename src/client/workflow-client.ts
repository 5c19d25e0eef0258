import type { StoredEvent } from '../events/index.js';
import type { WorkflowRun, WorkflowStepState } from '../workflows/index.js';
import { followEvents } from './follow-events.js';
import type { StreamOptions } from './types.js';

export type { WorkflowRun, WorkflowStepState };

export interface WorkflowSummary {
  id: string;
  name: string;
  description: string;
  latestVersion: number;
  createdAt: number;
  updatedAt: number;
}

export interface WorkflowDetail extends WorkflowSummary {
  definition: Record<string, unknown>;
  versions: Array<{ version: number; source: string; createdBy: string; createdAt: number }>;
}

export type WorkflowRunDetail = WorkflowRun & { steps: WorkflowStepState[] };

/** The `/v1/workflows` and `/v1/workflow-runs` part of the client. */
export interface WorkflowClient {
  /** YAML or JSON text, or the definition as an object: the next version of its name. */
  apply(source: string | Record<string, unknown>): Promise<WorkflowSummary & { version: number }>;
  validate(source: string | Record<string, unknown>): Promise<{ valid: true; definition: unknown }>;
  list(page?: {
    limit?: number;
    cursor?: string;
  }): Promise<{ workflows: WorkflowSummary[]; nextCursor: string | null }>;
  get(idOrName: string): Promise<WorkflowDetail>;
  delete(idOrName: string): Promise<WorkflowSummary>;
  schema(): Promise<Record<string, unknown>>;
  start(input: { workflow: string; version?: number; input?: unknown }): Promise<WorkflowRun>;
  run(id: string): Promise<WorkflowRunDetail>;
  runs(query?: { workflow?: string; status?: string; limit?: number; cursor?: string }): Promise<{
    runs: WorkflowRun[];
    nextCursor: string | null;
  }>;
  cancel(id: string): Promise<WorkflowRun>;
  decide(id: string, input: { step: string; approve: boolean; comment?: string }): Promise<WorkflowStepState>;
  /** The run's stored events from the start until it ends, reconnecting when needed. */
  events(id: string, options?: StreamOptions): AsyncGenerator<StoredEvent>;
}

type Json = <T>(
  method: string,
  path: string,
  request?: { body?: unknown; query?: Record<string, string | number | undefined> },
) => Promise<T>;
type Send = (
  method: string,
  path: string,
  request: { accept: string; headers: Record<string, string>; signal?: AbortSignal | undefined },
) => Promise<Response>;

const runEnds = new Set(['workflow-run-succeeded', 'workflow-run-failed', 'workflow-run-canceled']);
const body = (source: string | Record<string, unknown>) =>
  typeof source === 'string' ? { source } : { definition: source };

export function createWorkflowClient(
  json: Json,
  send: Send,
  segment: (part: string) => string,
): WorkflowClient {
  return {
    apply: (source) => json('POST', '/v1/workflows', { body: body(source) }),
    validate: (source) => json('POST', '/v1/workflows/validate', { body: body(source) }),
    list: (page = {}) => json('GET', '/v1/workflows', { query: { ...page } }),
    get: (idOrName) => json('GET', `/v1/workflows/${segment(idOrName)}`),
    delete: (idOrName) => json('DELETE', `/v1/workflows/${segment(idOrName)}`),
    schema: () => json('GET', '/v1/workflows/schema.json'),
    start: (input) => json('POST', '/v1/workflow-runs', { body: input }),
    run: (id) => json('GET', `/v1/workflow-runs/${segment(id)}`),
    runs: (query = {}) => json('GET', '/v1/workflow-runs', { query: { ...query } }),
    cancel: (id) => json('POST', `/v1/workflow-runs/${segment(id)}/cancel`),
    decide: (id, input) => json('POST', `/v1/workflow-runs/${segment(id)}/approvals`, { body: input }),
    async *events(id, options = {}) {
      const messages = followEvents({
        open: (lastEventId) =>
          send('GET', `/v1/workflow-runs/${segment(id)}/events`, {
            accept: 'text/event-stream',
            headers:
              (lastEventId ?? options.lastEventId)
                ? { 'last-event-id': lastEventId ?? options.lastEventId ?? '' }
                : {},
            signal: options.signal,
          }),
        isEnd: (message) => runEnds.has(message.event),
        signal: options.signal,
        ...(options.retries !== undefined ? { retries: options.retries } : {}),
        ...(options.retryDelayMs !== undefined ? { delayMs: options.retryDelayMs } : {}),
      });
      for await (const message of messages) {
        if (message.event === 'message' || !message.data) continue;
        yield JSON.parse(message.data) as StoredEvent;
      }
    },
  };
}
