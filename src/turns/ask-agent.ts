import type { Context } from '../context/index.js';
import { type ChatWatch, watchChat } from './follow-run.js';
import { followToOutcome } from './follow-to-outcome.js';
import { startTurn } from './start-turn.js';
import type { TurnOutcome } from './turn-outcome.js';

/** What posting a message needs: the chats capability's context. */
export type TurnContext = Parameters<typeof startTurn>[0] & Context;

export interface AskInput {
  /** The agent (id or name); optional when `chatId` continues a chat. */
  agent?: string | undefined;
  chatId?: string | undefined;
  message: string;
}

export interface AskResult extends TurnOutcome {
  chatId: string;
  agentId: string;
  agentName: string;
}

/**
 * One chat turn that waits for its answer: the message is posted (a new chat unless `chatId` is
 * given), and the run is followed until it ends or waits for a human decision.
 */
export async function askAgent(context: TurnContext, input: AskInput): Promise<AskResult> {
  let watch: ChatWatch | undefined;
  const subscribe = (chatId: string) => {
    watch?.close();
    watch = watchChat(context.services, context.actor.orgId, chatId);
    return watch;
  };
  try {
    const turn = await startTurn(
      context,
      { agent: input.agent, chatId: input.chatId, content: input.message },
      { beforeMessage: subscribe },
    );
    const following = watch ?? subscribe(turn.chatId);
    const outcome = await followToOutcome(context, following, turn.runId, context.signal);
    return { ...outcome, chatId: turn.chatId, agentId: turn.agentId, agentName: turn.agentName };
  } finally {
    watch?.close();
  }
}
