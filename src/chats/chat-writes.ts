import type { Kysely } from 'kysely';
import type { Services } from '../context/index.js';
import { notFound } from '../errors/index.js';
import type { UnitOfWork } from '../events/index.js';
import type { Schema } from '../storage/index.js';
import { prepareInsert, prepareQuery, toJson } from '../storage/index.js';
import type { Chat, Message } from './chat-schema.js';
import { toMessage } from './chat-store.js';

// The functions every other capability calls to write chats, participants and messages: chats/
// owns those tables, so message numbering and a chat's first rows are written here only.

type WriteServices = Pick<Services, 'ids' | 'clock'>;

export interface OpenChatInput {
  orgId: string;
  agentId: string;
  title: string;
  createdBy: string;
  /** Who takes part; duplicates are dropped, the first of each kept. */
  participants: Chat['participants'];
}

/** Inserts a chat and its participants inside `unit`; returns the new chat's id. */
export async function openChat(
  unit: UnitOfWork,
  services: WriteServices,
  input: OpenChatInput,
): Promise<string> {
  const now = services.clock.now();
  const id = services.ids.next('chat');
  await unit.transaction
    .insertInto('conversation')
    .values({
      id,
      org_id: input.orgId,
      agent_id: input.agentId,
      title: input.title,
      created_by: input.createdBy,
      summary: '',
      summary_version: 0,
      message_cursor: 0,
      last_message_seq: 0,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const unique = [
    ...new Map(
      input.participants.map((participant) => [`${participant.kind}:${participant.id}`, participant]),
    ).values(),
  ];
  await unit.transaction
    .insertInto('conversation_participant')
    .values(
      unique.map((participant) => ({
        conversation_id: id,
        org_id: input.orgId,
        participant_kind: participant.kind,
        participant_id: participant.id,
        joined_at: now,
      })),
    )
    .execute();
  return id;
}

const nextMessageSeq = prepareQuery((db, values: { chatId: string; now: number }) =>
  db
    .updateTable('conversation')
    .set((builder) => ({ last_message_seq: builder('last_message_seq', '+', 1), updated_at: values.now }))
    .where('id', '=', values.chatId)
    .returning('last_message_seq'),
);

const insertMessage = prepareInsert('message', [
  'id',
  'org_id',
  'conversation_id',
  'seq',
  'role',
  'author_kind',
  'author_id',
  'content',
  'parts',
  'run_id',
  'created_at',
]);

export interface AppendMessageInput {
  orgId: string;
  chatId: string;
  role: Message['role'];
  authorKind: string;
  authorId: string | null;
  content: string;
  runId: string | null;
}

/**
 * Appends a message to a chat inside `unit`, numbered with the chat's next sequence number (the
 * chat row's counter, so concurrent appends serialize on it and never share a number).
 */
export async function appendMessage(
  unit: UnitOfWork,
  services: WriteServices,
  input: AppendMessageInput,
): Promise<Message> {
  const now = services.clock.now();
  const [counter] = (await nextMessageSeq(unit.transaction, { chatId: input.chatId, now })).rows;
  if (!counter) throw notFound('chat', input.chatId);
  const row = {
    id: services.ids.next('msg'),
    org_id: input.orgId,
    conversation_id: input.chatId,
    seq: Number(counter.last_message_seq),
    role: input.role,
    author_kind: input.authorKind,
    author_id: input.authorId,
    content: input.content,
    parts: toJson([{ type: 'text', text: input.content }]),
    run_id: input.runId,
    created_at: now,
  };
  await insertMessage(unit.transaction, row);
  return toMessage(row);
}

export interface AdvanceSummaryInput {
  orgId: string;
  chatId: string;
  /** The cursor the summary was computed from: the update applies only if it is still current. */
  fromCursor: number;
  toCursor: number;
  summary: string;
  summaryVersion: number;
  now: number;
}

/**
 * Moves a chat's compaction cursor and replaces its summary, if no one else moved it since
 * `fromCursor`. Returns false when the chat changed underneath (a concurrent compaction).
 */
export async function advanceChatSummary(
  executor: Kysely<Schema>,
  input: AdvanceSummaryInput,
): Promise<boolean> {
  const updated = await executor
    .updateTable('conversation')
    .set({
      message_cursor: input.toCursor,
      summary: input.summary,
      summary_version: input.summaryVersion,
      updated_at: input.now,
    })
    .where('id', '=', input.chatId)
    .where('org_id', '=', input.orgId)
    .where('message_cursor', '=', input.fromCursor)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}
