import type { Kysely } from 'kysely';
import { notFound } from '../errors/index.js';
import type { Row, Schema } from '../storage/index.js';
import type { Chat, Message } from './chat-schema.js';

export function toMessage(row: Row<'message'>): Message {
  return {
    id: row.id,
    chatId: row.conversation_id,
    seq: Number(row.seq),
    role: row.role as Message['role'],
    authorKind: row.author_kind,
    authorId: row.author_id,
    content: row.content,
    runId: row.run_id,
    createdAt: Number(row.created_at),
  };
}

export function toChat(row: Row<'conversation'>, participants: Chat['participants']): Chat {
  return {
    id: row.id,
    orgId: row.org_id,
    agentId: row.agent_id,
    title: row.title,
    summary: row.summary,
    summaryVersion: Number(row.summary_version),
    messageCursor: Number(row.message_cursor),
    messageCount: Number(row.last_message_seq),
    participants,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** Loads a chat of `orgId`; another org's chat is not found. */
export async function loadChat(executor: Kysely<Schema>, orgId: string, chatId: string): Promise<Chat> {
  const row = await executor
    .selectFrom('conversation')
    .selectAll()
    .where('id', '=', chatId)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  if (!row) throw notFound('chat', chatId);
  const participants = await executor
    .selectFrom('conversation_participant')
    .select(['participant_kind', 'participant_id'])
    .where('conversation_id', '=', chatId)
    .orderBy('joined_at')
    .execute();
  return toChat(
    row,
    participants.map((participant) => ({
      kind: participant.participant_kind as Chat['participants'][number]['kind'],
      id: participant.participant_id,
    })),
  );
}
