import type { Kysely } from 'kysely';
import { notFound } from '../errors/index.js';
import type { Schema } from '../storage/index.js';
import type { ConversationMessage } from './extraction.js';
import type { MemoryConfig } from './memory-config.js';
import type { MemoryScope } from './types.js';

/** A run's trigger message and who posted it. */
export interface RunTurn {
  runId: string;
  orgId: string;
  agentId: string;
  chatId: string;
  model: string;
  trigger: { id: string; seq: number; content: string };
  /** The user who posted the trigger message (a key carrying a user id), else null. */
  userId: string | null;
}

/** Loads a run's turn; the user is the trigger message's author when that author is a user. */
export async function loadRunTurn(db: Kysely<Schema>, runId: string): Promise<RunTurn> {
  const row = await db
    .selectFrom('run')
    .innerJoin('message', 'message.id', 'run.trigger_message_id')
    .select([
      'run.id',
      'run.org_id',
      'run.agent_id',
      'run.conversation_id',
      'run.model',
      'message.id as message_id',
      'message.seq',
      'message.content',
      'message.author_kind',
      'message.author_id',
    ])
    .where('run.id', '=', runId)
    .executeTakeFirst();
  if (!row) throw notFound('run', runId);
  return {
    runId: row.id,
    orgId: row.org_id,
    agentId: row.agent_id,
    chatId: row.conversation_id,
    model: row.model,
    trigger: { id: row.message_id, seq: Number(row.seq), content: row.content },
    userId: row.author_kind === 'user' ? row.author_id : null,
  };
}

/**
 * Where facts extracted from a turn go: the posting user's private scope, or (for a caller that is
 * not a user) the chat or the agent, as configured.
 */
export function factsScopeOf(
  turn: Pick<RunTurn, 'userId' | 'agentId' | 'chatId'>,
  config: Pick<MemoryConfig, 'anonymousScope'>,
): MemoryScope {
  if (turn.userId) return { kind: 'user', id: turn.userId };
  return config.anonymousScope === 'agent'
    ? { kind: 'agent', id: turn.agentId }
    : { kind: 'chat', id: turn.chatId };
}

/** A message row as extraction sees it; rows written by Colony itself count as injected. */
export function toConversationMessage(row: {
  id: string;
  role: string;
  author_kind: string;
  content: string;
  created_at?: number;
}): ConversationMessage {
  const role = row.role === 'user' || row.role === 'assistant' || row.role === 'system' ? row.role : 'tool';
  return {
    id: row.id,
    role,
    content: row.content,
    injected: row.author_kind === 'system',
    ...(row.created_at === undefined ? {} : { at: Number(row.created_at) }),
  };
}
