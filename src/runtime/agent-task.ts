import type { Transaction } from 'kysely';
import type { RunScheduler } from '../chats/index.js';
import { ColonyError, notFound } from '../errors/index.js';
import type { Outbox } from '../events/index.js';
import { maxChatMessageChars, truncateText } from '../kernel/index.js';
import type { Schema } from '../storage/index.js';
import { toJson } from '../storage/index.js';
import type { RuntimeServices } from './run-types.js';

export interface AgentTaskInput {
  orgId: string;
  /** Agent id or name, in `orgId`. */
  agent: string;
  /**
   * What the agent is asked to do: the first user message of a new chat. Held to the limit of a
   * posted chat message (`maxChatMessageChars`): longer text is cut with a visible marker.
   */
  content: string;
  title: string;
  /** A task waiting for the result: it is resumed when the run ends (succeeded, failed or canceled). */
  parentTaskId?: string | null;
  createdBy: string;
}

export interface AgentTaskRun {
  chatId: string;
  messageId: string;
  runId: string;
  agentId: string;
}

/**
 * Starts an agent on a piece of work in a chat of its own, inside the caller's transaction: the
 * chat, the message and the run (a durable task, child of `parentTaskId`) commit with the caller's
 * change. Used by delegation and missions; call `runs.afterCommit()` after the commit.
 */
export async function startAgentTask(
  services: RuntimeServices & { runs: RunScheduler },
  transaction: Transaction<Schema>,
  outbox: Outbox,
  input: AgentTaskInput,
): Promise<AgentTaskRun> {
  const agent = await transaction
    .selectFrom('agent')
    .innerJoin('agent_version', (join) =>
      join
        .onRef('agent_version.agent_id', '=', 'agent.id')
        .onRef('agent_version.version', '=', 'agent.current_version'),
    )
    .select(['agent.id', 'agent.current_version', 'agent_version.model'])
    .where('agent.org_id', '=', input.orgId)
    .where('agent.deleted_at', 'is', null)
    .where((builder) =>
      builder.or([builder('agent.id', '=', input.agent), builder('agent.name', '=', input.agent)]),
    )
    .executeTakeFirst();
  if (!agent) throw notFound('agent', input.agent);
  if (input.content.length === 0) throw new ColonyError('invalid_input', 'the task text is empty');
  const content = truncateText(input.content, maxChatMessageChars);
  const now = services.clock.now();
  const chatId = services.ids.next('chat');
  await transaction
    .insertInto('conversation')
    .values({
      id: chatId,
      org_id: input.orgId,
      agent_id: agent.id,
      title: input.title.slice(0, 200),
      created_by: input.createdBy,
      summary: '',
      summary_version: 0,
      message_cursor: 0,
      last_message_seq: 1,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await transaction
    .insertInto('conversation_participant')
    .values({
      conversation_id: chatId,
      org_id: input.orgId,
      participant_kind: 'agent',
      participant_id: agent.id,
      joined_at: now,
    })
    .execute();
  const messageId = services.ids.next('msg');
  await transaction
    .insertInto('message')
    .values({
      id: messageId,
      org_id: input.orgId,
      conversation_id: chatId,
      seq: 1,
      role: 'user',
      author_kind: 'system',
      author_id: input.createdBy,
      content,
      parts: toJson([{ type: 'text', text: content }]),
      run_id: null,
      created_at: now,
    })
    .execute();
  const run = await services.runs.createRun(transaction, {
    orgId: input.orgId,
    chatId,
    agentId: agent.id,
    agentVersion: Number(agent.current_version),
    agentModel: agent.model,
    triggerMessageId: messageId,
    createdBy: input.createdBy,
    parentTaskId: input.parentTaskId ?? null,
  });
  await outbox.emit(
    {
      type: 'chat-created',
      orgId: input.orgId,
      conversationId: chatId,
      subjectId: chatId,
      payload: { agentId: agent.id, title: input.title },
    },
    {
      type: 'run-queued',
      orgId: input.orgId,
      conversationId: chatId,
      runId: run.runId,
      subjectId: run.runId,
      payload: {
        model: run.model,
        offline: run.offline,
        triggerMessageId: messageId,
        parentTaskId: input.parentTaskId ?? null,
      },
    },
  );
  return { chatId, messageId, runId: run.runId, agentId: agent.id };
}

export interface AgentTaskResult {
  status: 'queued' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'canceled';
  /** The agent's final answer (the run's assistant message) when it succeeded. */
  text: string | null;
  error: string | null;
  usage: { inputTokens: number; outputTokens: number; costUsd: number };
}

/** The outcome of a run started with `startAgentTask` (or any run). */
export async function agentTaskResult(services: RuntimeServices, runId: string): Promise<AgentTaskResult> {
  const run = await services.database.db
    .selectFrom('run')
    .selectAll()
    .where('id', '=', runId)
    .executeTakeFirst();
  if (!run) throw notFound('run', runId);
  const message = await services.database.db
    .selectFrom('message')
    .select('content')
    .where('run_id', '=', runId)
    .where('role', '=', 'assistant')
    .executeTakeFirst();
  return {
    status: run.status as AgentTaskResult['status'],
    text: message?.content ?? null,
    error: run.error,
    usage: {
      inputTokens: Number(run.input_tokens),
      outputTokens: Number(run.output_tokens),
      costUsd: Number(run.cost_usd),
    },
  };
}
