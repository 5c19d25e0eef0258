import { ColonyError } from '../errors/index.js';
import { ColonyApiError, errorFromResponse, unreachable } from './api-error.js';
import { followEvents } from './follow-events.js';
import type {
  CreateMcpServerInput,
  McpServer,
  McpServerPage,
  UpdateMcpServerInput,
} from './mcp-server-types.js';
import type { CreateSecretInput, GrantSecretInput, Secret, SecretGrant, SecretPage } from './secret-types.js';
import type { SseMessage } from './sse-reader.js';
import type { SubmitTaskInput, Task, TaskDetail, TaskListOptions, TaskPage } from './task-types.js';
import type {
  Agent,
  AgentPage,
  ApiKey,
  ApprovalInput,
  AuditPage,
  AuditQuery,
  Budget,
  BudgetInput,
  Chat,
  ChatPage,
  CreateAgentInput,
  CreatedKey,
  CreateMemoryInput,
  CreateScheduleInput,
  ImportMemoryItem,
  Memory,
  MemoryHistory,
  MemoryHit,
  MemoryImportResult,
  MemorySearchOptions,
  MemoryWriteResult,
  MessagePage,
  Page,
  PostedMessage,
  Run,
  RunStreamEvent,
  RunWithSteps,
  Schedule,
  ScheduleDetail,
  StreamOptions,
  UpdateAgentInput,
  UpdateScheduleInput,
  UsageQuery,
  UsageReport,
} from './types.js';
import type { WebhooksClient } from './webhook-types.js';
import { createWorkflowClient, type WorkflowClient } from './workflow-client.js';

export interface ColonyClientOptions {
  /** Where Colony listens, e.g. `http://127.0.0.1:7700`. */
  baseUrl: string;
  /** An API key, sent as `Authorization: Bearer <key>`. */
  apiKey?: string | undefined;
  /** A fetch implementation (defaults to the global one). */
  fetch?: typeof fetch;
}

interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  accept?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
}

/** The typed client of Colony's HTTP API. Every failure is thrown as a `ColonyApiError`. */
export interface ColonyClient {
  readonly baseUrl: string;
  agents: {
    create(input: CreateAgentInput): Promise<Agent>;
    list(page?: Page): Promise<AgentPage>;
    /** By id or name; the current version unless `version` is given. */
    get(idOrName: string, options?: { version?: number | undefined }): Promise<Agent>;
    /** Creates a new version. */
    update(idOrName: string, input: UpdateAgentInput): Promise<Agent>;
    delete(idOrName: string): Promise<void>;
  };
  chats: {
    create(input: { agent: string; title?: string; userIds?: string[] }): Promise<Chat>;
    list(page?: Page): Promise<ChatPage>;
    get(id: string): Promise<Chat>;
  };
  messages: {
    /** Posts a message; the run is queued (202). */
    post(chatId: string, content: string, options?: { signal?: AbortSignal }): Promise<PostedMessage>;
    /** Posts a message and streams its run's events until the run ends, reconnecting when needed. */
    stream(chatId: string, content: string, options?: StreamOptions): AsyncGenerator<RunStreamEvent>;
    list(chatId: string, options?: { cursor?: number; limit?: number }): Promise<MessagePage>;
  };
  runs: {
    get(id: string): Promise<RunWithSteps>;
    /** The run's events from the start (or after `lastEventId`) until it ends, reconnecting when needed. */
    events(id: string, options?: StreamOptions): AsyncGenerator<RunStreamEvent>;
    decide(runId: string, input: ApprovalInput): Promise<Run>;
    approve(runId: string, toolCallId: string, reason?: string): Promise<Run>;
    reject(runId: string, toolCallId: string, reason?: string): Promise<Run>;
    cancel(id: string): Promise<Run>;
  };
  keys: {
    create(input: { name: string; role?: ApiKey['role'] }): Promise<CreatedKey>;
    list(): Promise<{ keys: ApiKey[] }>;
    revoke(idOrPrefix: string): Promise<ApiKey>;
  };
  audit: {
    /** The org's audit log, newest first (admin); `action` may name a family: `agent.*`. */
    list(query?: AuditQuery): Promise<AuditPage>;
  };
  /** Model usage and cost over a range (default: this UTC month), split by agent, model, day. */
  usage(query?: UsageQuery): Promise<UsageReport>;
  budgets: {
    list(): Promise<{ budgets: Budget[] }>;
    /** The org's budget without `agent`, else the agent's (admin); null lifts a limit. */
    set(input: BudgetInput & { agent?: string | undefined }): Promise<Budget>;
    remove(agent?: string): Promise<void>;
  };
  schedules: {
    create(input: CreateScheduleInput): Promise<Schedule>;
    list(): Promise<{ schedules: Schedule[] }>;
    /** With the next five run times and the last firings. */
    get(idOrName: string): Promise<ScheduleDetail>;
    /** `{ enabled: false }` pauses, `{ enabled: true }` resumes. */
    update(idOrName: string, input: UpdateScheduleInput): Promise<Schedule>;
    delete(idOrName: string): Promise<Schedule>;
  };
  webhooks: WebhooksClient;
  /** Workflow definitions and runs (`/v1/workflows`, `/v1/workflow-runs`). */
  workflows: WorkflowClient;
  /** `GET /healthz`; throws `unavailable` when the server cannot be reached. */
  health(): Promise<unknown>;
  memories: {
    add(input: CreateMemoryInput): Promise<MemoryWriteResult>;
    /**
     * Up to 5,000 memories in one all-or-nothing request; exact duplicates are reported, not
     * stored. With `idempotencyKey`, a retry of the same batch replays the first answer.
     */
    import(items: ImportMemoryItem[], options?: { idempotencyKey?: string }): Promise<MemoryImportResult>;
    /** Each hit carries its per-signal scores and why it was chosen. */
    search(query: string, options?: MemorySearchOptions): Promise<{ hits: MemoryHit[] }>;
    get(id: string): Promise<Memory>;
    history(id: string): Promise<MemoryHistory>;
    /** Soft delete, logged with `reason`. */
    delete(id: string, reason?: string): Promise<Memory>;
  };
  mcpServers: {
    create(input: CreateMcpServerInput): Promise<McpServer>;
    list(page?: Page): Promise<McpServerPage>;
    get(idOrName: string): Promise<McpServer>;
    update(idOrName: string, input: UpdateMcpServerInput): Promise<McpServer>;
    delete(idOrName: string): Promise<void>;
  };
  /** Org secrets: write-only, responses carry names, versions and grants, never values. */
  secrets: {
    create(input: CreateSecretInput): Promise<Secret>;
    list(page?: Page): Promise<SecretPage>;
    get(idOrName: string): Promise<Secret>;
    /** A new version with a new value. */
    rotate(idOrName: string, value: string): Promise<Secret>;
    delete(idOrName: string): Promise<void>;
    grant(idOrName: string, input: GrantSecretInput): Promise<SecretGrant>;
    grants(idOrName: string): Promise<{ grants: SecretGrant[] }>;
    revoke(idOrName: string, grantId: string): Promise<void>;
  };
  tasks: {
    /** Enqueues a task of an API kind (`noop`, `echo`, `sleep`). */
    create(input: SubmitTaskInput): Promise<Task>;
    list(options?: TaskListOptions): Promise<TaskPage>;
    /** The task with its dependencies and every failed or expired attempt. */
    get(id: string): Promise<TaskDetail>;
    /** Cancels the task and its unfinished descendants (an agent-run task cancels its run). */
    cancel(id: string): Promise<Task>;
  };
}

const runEndEvents = new Set(['run-succeeded', 'run-failed', 'run-canceled']);

function isRunEnd(message: SseMessage): boolean {
  return runEndEvents.has(message.event);
}

function toRunEvent(message: SseMessage): RunStreamEvent {
  let data: unknown;
  try {
    data = JSON.parse(message.data);
  } catch {
    throw new ColonyApiError(
      0,
      'internal',
      `the server sent an event that is not JSON: ${message.data.slice(0, 100)}`,
    );
  }
  // Trusted as the server's catalog (src/events/catalog.ts); a newer server's unknown types
  // still arrive, so readers keep a `default` branch.
  return { id: message.id, event: message.event, data } as RunStreamEvent;
}

const segment = (value: string) => encodeURIComponent(value);

/**
 * Creates a client for Colony's HTTP API.
 *
 * @example
 * const colony = createColonyClient({ baseUrl: 'http://127.0.0.1:7700', apiKey: process.env.COLONY_API_KEY });
 * await colony.agents.create({ name: 'helper', tools: ['get_time'] });
 * const chat = await colony.chats.create({ agent: 'helper' });
 * for await (const event of colony.messages.stream(chat.id, 'what time is it?')) {
 *   if (event.event === 'run-text-delta') process.stdout.write(String(event.data.payload.delta));
 * }
 */
export function createColonyClient(options: ColonyClientOptions): ColonyClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const fetchImplementation = options.fetch ?? globalThis.fetch;

  async function send(method: string, path: string, request: RequestOptions = {}): Promise<Response> {
    const url = new URL(baseUrl + path);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = {
      accept: request.accept ?? 'application/json',
      ...request.headers,
    };
    if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetchImplementation(url, {
        method,
        headers,
        ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
      });
    } catch (thrown) {
      if (request.signal?.aborted) throw thrown;
      throw unreachable(baseUrl, thrown);
    }
    if (!response.ok) throw await errorFromResponse(response);
    return response;
  }

  async function json<T>(method: string, path: string, request?: RequestOptions): Promise<T> {
    const response = await send(method, path, request);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  async function* runEvents(
    open: (lastEventId: string | null, attempt: number, runId: string | null) => Promise<Response>,
    streamOptions: StreamOptions,
    knownRunId: string | null,
  ): AsyncGenerator<RunStreamEvent> {
    let runId = knownRunId;
    const messages = followEvents({
      open: (lastEventId, attempt) => open(lastEventId ?? streamOptions.lastEventId ?? null, attempt, runId),
      isEnd: isRunEnd,
      signal: streamOptions.signal,
      ...(streamOptions.retries !== undefined ? { retries: streamOptions.retries } : {}),
      ...(streamOptions.retryDelayMs !== undefined ? { delayMs: streamOptions.retryDelayMs } : {}),
    });
    for await (const message of messages) {
      const event = toRunEvent(message);
      runId ??= event.data.runId;
      yield event;
    }
  }

  function openRunEvents(runId: string, lastEventId: string | null, signal: AbortSignal | undefined) {
    return send('GET', `/v1/runs/${segment(runId)}/events`, {
      accept: 'text/event-stream',
      headers: lastEventId ? { 'last-event-id': lastEventId } : {},
      signal,
    });
  }

  const decide = (runId: string, input: ApprovalInput) =>
    json<Run>('POST', `/v1/runs/${segment(runId)}/approvals`, { body: input });

  return {
    baseUrl,
    workflows: createWorkflowClient(json, send, segment),
    agents: {
      create: (input) => json('POST', '/v1/agents', { body: input }),
      list: (page = {}) => json('GET', '/v1/agents', { query: { ...page } }),
      get: (idOrName, getOptions = {}) =>
        json('GET', `/v1/agents/${segment(idOrName)}`, { query: { version: getOptions.version } }),
      update: (idOrName, input) => json('PATCH', `/v1/agents/${segment(idOrName)}`, { body: input }),
      delete: async (idOrName) => {
        await send('DELETE', `/v1/agents/${segment(idOrName)}`);
      },
    },
    mcpServers: {
      create: (input) => json('POST', '/v1/mcp-servers', { body: input }),
      list: (page = {}) => json('GET', '/v1/mcp-servers', { query: { ...page } }),
      get: (idOrName) => json('GET', `/v1/mcp-servers/${segment(idOrName)}`),
      update: (idOrName, input) => json('PATCH', `/v1/mcp-servers/${segment(idOrName)}`, { body: input }),
      delete: async (idOrName) => {
        await send('DELETE', `/v1/mcp-servers/${segment(idOrName)}`);
      },
    },
    secrets: {
      create: (input) => json('POST', '/v1/secrets', { body: input }),
      list: (page = {}) => json('GET', '/v1/secrets', { query: { ...page } }),
      get: (idOrName) => json('GET', `/v1/secrets/${segment(idOrName)}`),
      rotate: (idOrName, value) =>
        json('POST', `/v1/secrets/${segment(idOrName)}/versions`, { body: { value } }),
      delete: async (idOrName) => {
        await send('DELETE', `/v1/secrets/${segment(idOrName)}`);
      },
      grant: (idOrName, input) => json('POST', `/v1/secrets/${segment(idOrName)}/grants`, { body: input }),
      grants: (idOrName) => json('GET', `/v1/secrets/${segment(idOrName)}/grants`),
      revoke: async (idOrName, grantId) => {
        await send('DELETE', `/v1/secrets/${segment(idOrName)}/grants/${segment(grantId)}`);
      },
    },
    chats: {
      create: (input) => json('POST', '/v1/chats', { body: input }),
      list: (page = {}) => json('GET', '/v1/chats', { query: { ...page } }),
      get: (id) => json('GET', `/v1/chats/${segment(id)}`),
    },
    messages: {
      post: (chatId, content, postOptions = {}) =>
        json('POST', `/v1/chats/${segment(chatId)}/messages`, {
          body: { content },
          signal: postOptions.signal,
        }),
      stream: (chatId, content, streamOptions = {}) =>
        runEvents(
          (lastEventId, attempt, runId) => {
            if (attempt === 0) {
              return send('POST', `/v1/chats/${segment(chatId)}/messages`, {
                body: { content },
                accept: 'text/event-stream',
                signal: streamOptions.signal,
              });
            }
            if (runId === null) {
              // Without a run id the stream cannot be resumed; the message may or may not be posted.
              throw new ColonyError(
                'unavailable',
                'the message stream broke before the run started; check the chat',
              );
            }
            return openRunEvents(runId, lastEventId, streamOptions.signal);
          },
          streamOptions,
          null,
        ),
      list: (chatId, page = {}) =>
        json('GET', `/v1/chats/${segment(chatId)}/messages`, {
          query: { cursor: page.cursor, limit: page.limit },
        }),
    },
    runs: {
      get: (id) => json('GET', `/v1/runs/${segment(id)}`),
      events: (id, streamOptions = {}) =>
        runEvents((lastEventId) => openRunEvents(id, lastEventId, streamOptions.signal), streamOptions, id),
      decide,
      approve: (runId, toolCallId, reason) =>
        decide(runId, { toolCallId, decision: 'approve', ...(reason ? { reason } : {}) }),
      reject: (runId, toolCallId, reason) =>
        decide(runId, { toolCallId, decision: 'reject', ...(reason ? { reason } : {}) }),
      cancel: (id) => json('POST', `/v1/runs/${segment(id)}/cancel`),
    },
    keys: {
      create: (input) => json('POST', '/v1/keys', { body: input }),
      list: () => json('GET', '/v1/keys'),
      revoke: (idOrPrefix) => json('DELETE', `/v1/keys/${segment(idOrPrefix)}`),
    },
    audit: {
      list: (query = {}) => json('GET', '/v1/audit', { query: { ...query } }),
    },
    schedules: {
      create: (input) => json('POST', '/v1/schedules', { body: input }),
      list: () => json('GET', '/v1/schedules'),
      get: (idOrName) => json('GET', `/v1/schedules/${segment(idOrName)}`),
      update: (idOrName, input) => json('PATCH', `/v1/schedules/${segment(idOrName)}`, { body: input }),
      delete: (idOrName) => json('DELETE', `/v1/schedules/${segment(idOrName)}`),
    },
    webhooks: {
      create: (input) => json('POST', '/v1/webhooks', { body: input }),
      list: () => json('GET', '/v1/webhooks'),
      get: (id) => json('GET', `/v1/webhooks/${segment(id)}`),
      update: (id, input) => json('PATCH', `/v1/webhooks/${segment(id)}`, { body: input }),
      delete: (id) => json('DELETE', `/v1/webhooks/${segment(id)}`),
      rotateSecret: (id) => json('POST', `/v1/webhooks/${segment(id)}/rotate-secret`),
      ping: (id) => json('POST', `/v1/webhooks/${segment(id)}/ping`),
      deliveries: (id, query = {}) =>
        json('GET', `/v1/webhooks/${segment(id)}/deliveries`, { query: { ...query } }),
      delivery: (id, deliveryId) =>
        json('GET', `/v1/webhooks/${segment(id)}/deliveries/${segment(deliveryId)}`),
      redeliver: (id, deliveryId) =>
        json('POST', `/v1/webhooks/${segment(id)}/deliveries/${segment(deliveryId)}/redeliver`),
    },
    budgets: {
      list: () => json('GET', '/v1/budgets'),
      set: ({ agent, ...input }) =>
        json('PUT', agent === undefined ? '/v1/budgets/org' : `/v1/budgets/agents/${segment(agent)}`, {
          body: input,
        }),
      remove: (agent) =>
        json('DELETE', agent === undefined ? '/v1/budgets/org' : `/v1/budgets/agents/${segment(agent)}`),
    },
    usage: ({ groupBy, ...query } = {}) =>
      json('GET', '/v1/usage', { query: { ...query, groupBy: groupBy?.join(',') || undefined } }),
    health: () => json('GET', '/healthz'),
    memories: {
      add: (input) => json('POST', '/v1/memories', { body: input }),
      import: (items, importOptions = {}) =>
        json('POST', '/v1/memories/import', {
          body: { items },
          ...(importOptions.idempotencyKey
            ? { headers: { 'Idempotency-Key': importOptions.idempotencyKey } }
            : {}),
        }),
      search: (query, searchOptions = {}) =>
        json('GET', '/v1/memories/search', {
          query: {
            q: query,
            scope: searchOptions.scope,
            type: searchOptions.type,
            tag: searchOptions.tag,
            limit: searchOptions.limit,
            includeInvalid:
              searchOptions.includeInvalid === undefined ? undefined : String(searchOptions.includeInvalid),
          },
        }),
      get: (id) => json('GET', `/v1/memories/${segment(id)}`),
      history: (id) => json('GET', `/v1/memories/${segment(id)}/history`),
      delete: (id, reason) => json('DELETE', `/v1/memories/${segment(id)}`, { query: { reason } }),
    },
    tasks: {
      create: (input) => json('POST', '/v1/tasks', { body: input }),
      list: (listOptions = {}) =>
        json('GET', '/v1/tasks', {
          query: {
            status: Array.isArray(listOptions.status) ? listOptions.status.join(',') : listOptions.status,
            kind: listOptions.kind,
            limit: listOptions.limit,
            cursor: listOptions.cursor,
          },
        }),
      get: (id) => json('GET', `/v1/tasks/${segment(id)}`),
      cancel: (id) => json('POST', `/v1/tasks/${segment(id)}/cancel`),
    },
  };
}
