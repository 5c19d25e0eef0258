import { appendMessage, openChat, type RunScheduler } from '../chats/index.js';
import { type Context, inUnitOfWork } from '../context/index.js';
import { ColonyError, notFound } from '../errors/index.js';
import { recordAudit } from '../identity/index.js';
import { maxChatMessageChars, truncateText } from '../kernel/index.js';
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

/** A use-case context whose services can queue runs (delegation, messaging, missions). */
export type AgentTaskContext = Context<RuntimeServices & { runs: RunScheduler }>;

/**
 * Starts an agent on a piece of work in a chat of its own, inside the caller's transaction when
 * the context carries one (`context.unitOfWork`): the chat, the message, the run (a durable task,
 * child of `parentTaskId`) and the audit row commit with the caller's change, and a worker is
 * woken after that commit. Used by delegation, messaging and missions.
 */
export async function startAgentTask(
  context: AgentTaskContext,
  input: AgentTaskInput,
): Promise<AgentTaskRun> {
  const { services } = context;
  return inUnitOfWork(context, async (unit) => {
    const { transaction, outbox } = unit;
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
    const chatId = await openChat(unit, services, {
      orgId: input.orgId,
      agentId: agent.id,
      title: input.title.slice(0, 200),
      createdBy: input.createdBy,
      participants: [{ kind: 'agent', id: agent.id }],
    });
    const message = await appendMessage(unit, services, {
      orgId: input.orgId,
      chatId,
      role: 'user',
      authorKind: 'system',
      authorId: input.createdBy,
      content,
      runId: null,
    });
    const run = await services.runs.createRun(transaction, {
      orgId: input.orgId,
      chatId,
      agentId: agent.id,
      agentVersion: Number(agent.current_version),
      agentModel: agent.model,
      triggerMessageId: message.id,
      createdBy: input.createdBy,
      parentTaskId: input.parentTaskId ?? null,
    });
    await recordAudit(transaction, services, context.actor, {
      action: 'agent-task.start',
      resourceType: 'run',
      resourceId: run.runId,
      details: { chatId, agentId: agent.id, parentTaskId: input.parentTaskId ?? null },
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
          triggerMessageId: message.id,
          parentTaskId: input.parentTaskId ?? null,
        },
      },
    );
    outbox.afterCommit(() => services.runs.afterCommit());
    return { chatId, messageId: message.id, runId: run.runId, agentId: agent.id };
  });
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
