import type { Transaction } from 'kysely';
import { loadAgent } from '../agents/index.js';
import { type Context, inUnitOfWork, requireRole } from '../context/index.js';
import { ColonyError, fromZodError, notFound } from '../errors/index.js';
import { recordAudit, requireOrgUsers } from '../identity/index.js';
import type { Schema } from '../storage/index.js';
import { prepareQuery } from '../storage/index.js';
import {
  type Chat,
  type CreateChatInput,
  createChatInput,
  type Message,
  type PostMessageInput,
  postMessageInput,
} from './chat-schema.js';
import { loadChat, toMessage } from './chat-store.js';
import { appendMessage, openChat } from './chat-writes.js';

/**
 * How chats hand a new message to the runtime: create the run (and its durable task) inside the
 * same transaction as the message, then wake a worker after commit.
 */
export interface RunScheduler {
  createRun(
    transaction: Transaction<Schema>,
    input: {
      orgId: string;
      chatId: string;
      agentId: string;
      agentVersion: number;
      agentModel: string | null;
      triggerMessageId: string;
      createdBy: string;
      /** The task that waits for this run (delegation, missions): resumed when the run ends. */
      parentTaskId?: string | null;
    },
  ): Promise<{ runId: string; status: string; model: string; offline: boolean }>;
  afterCommit(): void;
}

export type ChatContext = Context<{ runs: RunScheduler }>;

export async function createChat(context: Context, input: CreateChatInput): Promise<Chat> {
  requireRole(context.actor, 'member');
  const parsed = createChatInput.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  const { services, actor } = context;
  return inUnitOfWork(context, async (unit) => {
    const { transaction, outbox } = unit;
    const agent = await loadAgent(transaction, actor.orgId, parsed.data.agent);
    await requireOrgUsers(transaction, actor.orgId, parsed.data.userIds, 'userIds');
    const id = await openChat(unit, services, {
      orgId: actor.orgId,
      agentId: agent.id,
      title: parsed.data.title,
      createdBy: actor.id,
      participants: [
        { kind: 'agent', id: agent.id },
        { kind: actor.userId ? 'user' : 'api_key', id: actor.userId ?? actor.id },
        ...parsed.data.userIds.map((userId) => ({ kind: 'user' as const, id: userId })),
      ],
    });
    await recordAudit(transaction, services, actor, {
      action: 'chat.create',
      resourceType: 'chat',
      resourceId: id,
    });
    await outbox.emit({
      type: 'chat-created',
      orgId: actor.orgId,
      conversationId: id,
      subjectId: id,
      payload: { agentId: agent.id },
    });
    return loadChat(transaction, actor.orgId, id);
  });
}

export async function getChat(context: Context, chatId: string): Promise<Chat> {
  return loadChat(context.services.database.db, context.actor.orgId, chatId);
}

export async function listChats(
  context: Context,
  options: { limit?: number; after?: string | undefined } = {},
): Promise<{ chats: Chat[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
  let query = context.services.database.db
    .selectFrom('conversation')
    .select('id')
    .where('org_id', '=', context.actor.orgId);
  if (options.after) query = query.where('id', '>', options.after);
  const rows = await query
    .orderBy('id')
    .limit(limit + 1)
    .execute();
  const chats = await Promise.all(rows.slice(0, limit).map((row) => getChat(context, row.id)));
  return { chats, nextCursor: rows.length > limit ? (chats.at(-1)?.id ?? null) : null };
}

// The chat lookup of every accepted message, prepared (storage/prepared.ts).
const chatForMessage = prepareQuery((db, values: { chatId: string; orgId: string }) =>
  db
    .selectFrom('conversation')
    .innerJoin('agent', 'agent.id', 'conversation.agent_id')
    .innerJoin('agent_version', (join) =>
      join
        .onRef('agent_version.agent_id', '=', 'agent.id')
        .onRef('agent_version.version', '=', 'agent.current_version'),
    )
    .select([
      'conversation.id',
      'agent.id as agentId',
      'agent.current_version',
      'agent.deleted_at',
      'agent_version.model',
    ])
    .where('conversation.id', '=', values.chatId)
    .where('conversation.org_id', '=', values.orgId),
);

/**
 * Appends a user message and queues the run that answers it, atomically. Runs of one chat are
 * processed one at a time, in message order (the run's task carries the chat's concurrency key).
 */
export async function postMessage(
  context: ChatContext,
  chatId: string,
  input: PostMessageInput,
): Promise<{ message: Message; run: { id: string; status: string; model: string; offline: boolean } }> {
  requireRole(context.actor, 'member');
  const parsed = postMessageInput.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  const { services, actor } = context;
  const result = await inUnitOfWork(context, async (unit) => {
    const { transaction, outbox } = unit;
    const [chat] = (await chatForMessage(transaction, { chatId, orgId: actor.orgId })).rows;
    if (!chat) throw notFound('chat', chatId);
    if (chat.deleted_at !== null)
      throw new ColonyError('conflict', `the agent of chat ${chatId} was deleted`);
    const message = await appendMessage(unit, services, {
      orgId: actor.orgId,
      chatId: chat.id,
      role: 'user',
      authorKind: actor.userId ? 'user' : actor.kind,
      authorId: actor.userId ?? actor.id,
      content: parsed.data.content,
      runId: null,
    });
    const run = await services.runs.createRun(transaction, {
      orgId: actor.orgId,
      chatId: chat.id,
      agentId: chat.agentId,
      agentVersion: Number(chat.current_version),
      agentModel: chat.model,
      triggerMessageId: message.id,
      createdBy: actor.id,
    });
    await recordAudit(transaction, services, actor, {
      action: 'message.create',
      resourceType: 'message',
      resourceId: message.id,
      details: { chatId: chat.id, runId: run.runId },
    });
    await outbox.emit(
      {
        type: 'message-created',
        orgId: actor.orgId,
        conversationId: chat.id,
        subjectId: message.id,
        payload: { role: 'user', seq: message.seq, content: message.content },
      },
      {
        type: 'run-queued',
        orgId: actor.orgId,
        conversationId: chat.id,
        runId: run.runId,
        subjectId: run.runId,
        payload: { model: run.model, offline: run.offline, triggerMessageId: message.id },
      },
    );
    return {
      message,
      run: { id: run.runId, status: run.status, model: run.model, offline: run.offline },
    };
  });
  services.runs.afterCommit();
  return result;
}

/** Lists a chat's messages in order, paged by sequence number (`after` is exclusive). */
export async function listMessages(
  context: Context,
  chatId: string,
  options: { after?: number | undefined; limit?: number | undefined } = {},
): Promise<{ messages: Message[]; nextCursor: number | null }> {
  const chat = await getChat(context, chatId);
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
  const rows = await context.services.database.db
    .selectFrom('message')
    .selectAll()
    .where('conversation_id', '=', chat.id)
    .where('seq', '>', options.after ?? 0)
    .orderBy('seq', 'asc')
    .limit(limit + 1)
    .execute();
  const messages = rows.slice(0, limit).map(toMessage);
  return { messages, nextCursor: rows.length > limit ? (messages.at(-1)?.seq ?? null) : null };
}
