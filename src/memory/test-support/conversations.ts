import type { Actor, Services } from '../../context/index.js';

/** Inserts an agent and a conversation owned by `actor`'s org; returns their ids. */
export async function createConversation(
  services: Services,
  actor: Actor,
): Promise<{ agentId: string; conversationId: string }> {
  const now = services.clock.now();
  const agentId = services.ids.next('agt');
  const conversationId = services.ids.next('chat');
  await services.database.db
    .insertInto('agent')
    .values({
      id: agentId,
      org_id: actor.orgId,
      name: agentId,
      current_version: 1,
      created_at: now,
      updated_at: now,
      deleted_at: null,
    })
    .execute();
  await services.database.db
    .insertInto('conversation')
    .values({
      id: conversationId,
      org_id: actor.orgId,
      agent_id: agentId,
      title: 'synthetic',
      created_by: actor.id,
      summary: '',
      summary_version: 0,
      message_cursor: 0,
      last_message_seq: 0,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { agentId, conversationId };
}

/** Appends messages (seq continues from the conversation's last) and returns their ids. */
export async function appendMessages(
  services: Services,
  actor: Actor,
  conversationId: string,
  messages: ReadonlyArray<{ role: string; content: string; authorKind?: string }>,
): Promise<string[]> {
  const conversation = await services.database.db
    .selectFrom('conversation')
    .select('last_message_seq')
    .where('id', '=', conversationId)
    .executeTakeFirstOrThrow();
  let seq = Number(conversation.last_message_seq);
  const now = services.clock.now();
  const rows = messages.map((message) => ({
    id: services.ids.next('msg'),
    org_id: actor.orgId,
    conversation_id: conversationId,
    seq: ++seq,
    role: message.role,
    author_kind: message.authorKind ?? (message.role === 'user' ? 'user' : 'agent'),
    author_id: null,
    content: message.content,
    parts: '[]',
    run_id: null,
    created_at: now,
  }));
  for (let offset = 0; offset < rows.length; offset += 500) {
    await services.database.db
      .insertInto('message')
      .values(rows.slice(offset, offset + 500))
      .execute();
  }
  await services.database.db
    .updateTable('conversation')
    .set({ last_message_seq: seq })
    .where('id', '=', conversationId)
    .execute();
  return rows.map((row) => row.id);
}
