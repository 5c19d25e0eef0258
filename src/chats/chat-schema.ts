import { z } from 'zod';
import { maxChatMessageChars } from '../kernel/index.js';

export const createChatInput = z
  .object({
    agent: z.string().trim().min(1).max(100),
    title: z.string().trim().max(200).default(''),
    userIds: z.array(z.string().min(1).max(100)).max(50).default([]),
  })
  .strict();

export const postMessageInput = z
  .object({
    content: z.string().min(1).max(maxChatMessageChars),
  })
  .strict();

export type CreateChatInput = z.input<typeof createChatInput>;
export type PostMessageInput = z.input<typeof postMessageInput>;

export interface Chat {
  id: string;
  orgId: string;
  agentId: string;
  title: string;
  summary: string;
  summaryVersion: number;
  messageCursor: number;
  messageCount: number;
  participants: Array<{ kind: 'user' | 'agent' | 'api_key'; id: string }>;
  createdAt: number;
  updatedAt: number;
}

export interface Message {
  id: string;
  chatId: string;
  seq: number;
  role: 'user' | 'assistant' | 'system';
  authorKind: string;
  authorId: string | null;
  content: string;
  runId: string | null;
  createdAt: number;
}
