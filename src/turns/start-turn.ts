import { getAgent } from '../agents/index.js';
import { createChat, getChat, postMessage, postMessageInput } from '../chats/index.js';
import { ColonyError, fromZodError } from '../errors/index.js';

/** What posting a message needs: the chats capability's context. */
type ChatContext = Parameters<typeof postMessage>[0];

export interface TurnInput {
  /** The agent (id or name). Required for a new chat; with `chatId`, it must be the chat's agent. */
  agent?: string | undefined;
  /** Continues this chat; without it a new chat is started. */
  chatId?: string | undefined;
  /** The user message. */
  content: string;
}

export interface StartedTurn {
  chatId: string;
  agentId: string;
  agentName: string;
  runId: string;
  messageId: string;
}

/**
 * One user turn: the message is appended to the chat (a new one with `agent` when no `chatId`
 * is given) and the run that answers it is queued. Everything a refusal depends on is checked
 * before anything is written, so a refused turn leaves no empty chat behind. `beforeMessage` runs
 * once the chat is known and before the message is queued (to subscribe to the run's live text).
 */
export async function startTurn(
  context: ChatContext,
  input: TurnInput,
  hooks: { beforeMessage?(chatId: string): void } = {},
): Promise<StartedTurn> {
  const content = postMessageInput.safeParse({ content: input.content });
  if (!content.success) throw fromZodError(content.error);
  const existing = input.chatId === undefined ? undefined : await getChat(context, input.chatId);
  const agentRef = input.agent ?? existing?.agentId;
  if (agentRef === undefined) throw new ColonyError('invalid_input', 'a new chat needs an agent');
  const agent = await getAgent(context, agentRef);
  if (existing && existing.agentId !== agent.id) {
    throw new ColonyError('invalid_input', `chat ${existing.id} is with another agent than "${agentRef}"`, {
      fields: [{ path: 'model', message: `chat ${existing.id} is with agent ${existing.agentId}` }],
    });
  }
  // The idempotency record belongs to the message: a replay finds it and creates no second chat.
  const unguarded: ChatContext = {
    services: context.services,
    actor: context.actor,
    get signal() {
      return context.signal;
    },
  };
  const chat = existing ?? (await createChat(unguarded, { agent: agent.id }));
  hooks.beforeMessage?.(chat.id);
  const posted = await postMessage(context, chat.id, content.data);
  return {
    chatId: chat.id,
    agentId: agent.id,
    agentName: agent.name,
    runId: posted.run.id,
    messageId: posted.message.id,
  };
}
