import { z } from 'zod';
import { maxAgentMessageChars, truncateText } from '../kernel/index.js';
import { agentTaskResult } from '../runtime/index.js';
import { type ToolDefinition, type ToolWait, waitForResult } from '../tools/index.js';
import { agentByName } from './choose-agent.js';
import type { CollaborationServices } from './collaboration-services.js';
import { type AgentMessage, listInbox, sendAgentMessage } from './messaging.js';

const sendInput = z.object({
  to: z.string().min(1).max(100).describe('Recipient agent name'),
  content: z.string().min(1).max(maxAgentMessageChars),
  type: z.string().min(1).max(64).default('message'),
  correlationId: z.string().min(1).max(200).optional(),
});
const askInput = z.object({
  to: z.string().min(1).max(100).describe('Agent to ask'),
  question: z.string().min(1).max(maxAgentMessageChars),
});
const inboxInput = z.object({ limit: z.number().int().min(1).max(50).default(10) });

type SendInput = z.infer<typeof sendInput>;
type AskInput = z.infer<typeof askInput>;

/**
 * `send_message` (fire and forget; the recipient's run is triggered), `ask_agent` (send a question
 * and wait for the answer without holding a worker) and `check_inbox`. Message ids derive from the
 * run and tool call, so a call re-executed after a crash is deduplicated, not sent twice.
 */
export function createMessageTools(services: CollaborationServices): ToolDefinition[] {
  const sender = async (orgId: string, agentId: string) => {
    const agent = await agentByName(services.database.db, orgId, agentId);
    return { orgId, kind: 'agent' as const, id: agent.id, name: agent.name };
  };
  const send: ToolDefinition<
    SendInput,
    { messageId: string; duplicate: boolean; triggeredRunId: string | null }
  > = {
    name: 'send_message',
    description: 'Send a message to another agent; it starts a run of that agent. Does not wait for a reply.',
    inputSchema: sendInput as unknown as z.ZodType<SendInput>,
    requiresApproval: () => false,
    idempotent: true,
    async execute(input, context) {
      const result = await sendAgentMessage(
        services,
        await sender(context.orgId, context.agentId),
        input.to,
        {
          id: `${context.runId}:${context.toolCallId}`,
          type: input.type,
          content: input.content,
          ...(input.correlationId ? { correlationId: input.correlationId } : {}),
        },
      );
      return {
        messageId: result.message.id,
        duplicate: result.duplicate,
        triggeredRunId: result.message.triggeredRunId,
      };
    },
  };
  const ask: ToolDefinition<AskInput, ToolWait> = {
    name: 'ask_agent',
    description: 'Ask another agent a question and wait for its answer.',
    inputSchema: askInput as unknown as z.ZodType<AskInput>,
    requiresApproval: () => false,
    idempotent: true,
    async execute(input, context) {
      const id = `${context.runId}:${context.toolCallId}`;
      const result = await sendAgentMessage(
        services,
        await sender(context.orgId, context.agentId),
        input.to,
        { id, type: 'question', content: input.question, correlationId: id },
        { parentTaskId: context.taskId },
      );
      return waitForResult(`waiting for ${input.to} to answer`, {
        messageId: result.message.id,
        runId: result.message.triggeredRunId,
        asker: context.agentId,
        recipient: result.message.recipientAgentId,
      });
    },
    async resume(state, context) {
      const { messageId, runId, asker, recipient } = state as {
        messageId: string;
        runId: string;
        asker: string;
        recipient: string;
      };
      const result = await agentTaskResult(services, runId);
      if (!['succeeded', 'failed', 'canceled'].includes(result.status)) return { done: false };
      await sendAgentMessage(
        services,
        { orgId: context.orgId, kind: 'agent', id: recipient, name: recipient },
        asker,
        {
          id: `${messageId}:answer`,
          type: 'answer',
          // The answer may be longer than an agent message: the inbox keeps its beginning, the
          // tool output below carries the whole answer.
          content: truncateText(
            result.text ?? `(no answer: ${result.error ?? result.status})`,
            maxAgentMessageChars,
          ),
          correlationId: messageId,
          trigger: false,
        },
      );
      return { done: true, output: { answer: result.text, status: result.status, error: result.error } };
    },
  };
  const inbox: ToolDefinition<
    z.infer<typeof inboxInput>,
    {
      messages: Array<
        Pick<AgentMessage, 'id' | 'type' | 'content' | 'sender' | 'correlationId' | 'createdAt'>
      >;
    }
  > = {
    name: 'check_inbox',
    description: 'Read the latest messages other agents sent to you.',
    inputSchema: inboxInput as unknown as z.ZodType<z.infer<typeof inboxInput>>,
    requiresApproval: () => false,
    idempotent: true,
    async execute(input, context) {
      const messages = await listInbox(services, context.orgId, context.agentId, { limit: 200 });
      return {
        messages: messages
          .slice(-input.limit)
          .map(({ id, type, content, sender: from, correlationId, createdAt }) => ({
            id,
            type,
            content,
            sender: from,
            correlationId,
            createdAt,
          })),
      };
    },
  };
  return [send as ToolDefinition, ask as ToolDefinition, inbox as ToolDefinition];
}
