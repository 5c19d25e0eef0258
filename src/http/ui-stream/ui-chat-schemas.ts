import { z } from '@hono/zod-openapi';
import { idempotencyHeaders } from '../idempotency/index.js';

const uiPart = z.looseObject({ type: z.string().max(200) });

const uiMessage = z.looseObject({
  id: z.string().max(200),
  role: z.enum(['system', 'user', 'assistant']),
  parts: z.array(uiPart).max(1000),
});

export type UiMessage = z.infer<typeof uiMessage>;

/**
 * The body `DefaultChatTransport` (what `useChat` uses) sends: `id` is the Colony chat, the
 * last of `messages` is the new user message or the assistant message holding approval
 * responses. Other fields (the transport's `body` option) are accepted and ignored.
 */
export const uiChatRequest = z
  .looseObject({
    id: z
      .string()
      .min(1)
      .max(200)
      .openapi({ description: 'The Colony chat (`chat_…`), as `useChat({ id })`' }),
    messages: z.array(uiMessage).min(1).max(1000),
    trigger: z.enum(['submit-message', 'regenerate-message']),
    messageId: z.string().max(200).optional(),
  })
  .openapi('UiChatRequest');

export const uiChatHeaders = idempotencyHeaders;

/** The UI message stream: SSE whose data are UI message chunks, then `[DONE]`. */
export const uiStreamResponse = {
  content: { 'text/event-stream': { schema: z.string() } },
  description: 'An AI SDK UI message stream (protocol v1, header `x-vercel-ai-ui-message-stream: v1`)',
  headers: z.object({ 'x-vercel-ai-ui-message-stream': z.literal('v1') }),
};
