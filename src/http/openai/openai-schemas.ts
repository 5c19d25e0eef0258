import { z } from '@hono/zod-openapi';
import { maxChatMessageChars } from '../../kernel/index.js';
import { idempotencyHeaders } from '../idempotency/index.js';
import { jsonContent } from '../openapi-helpers.js';

/**
 * OpenAI's error body, with Colony's closed `code` (and `details`) kept: a client of either API
 * finds what it looks for.
 */
export const openAiErrorSchema = z
  .object({
    error: z.object({
      message: z.string(),
      type: z.string(),
      param: z.string().nullable(),
      code: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .openapi('OpenAiError');

const failure = (description: string) => jsonContent(openAiErrorSchema, description);

/** The error responses of the OpenAI-compatible routes, in OpenAI's shape. */
export const openAiErrors = {
  400: failure('Invalid request; `param` names the first offending field'),
  401: failure('Missing, invalid or revoked API key'),
  403: failure('The key’s role may not do this'),
  404: failure('No such model (agent) or chat in this org'),
  409: failure('The run was canceled, or the chat is busy'),
  413: failure('Request body too large'),
  415: failure('Request body in a media type the route does not take (send application/json)'),
  422: failure('The Idempotency-Key was already used for a different request'),
  429: failure('Rate limited (see Retry-After) or a run limit was reached'),
  500: failure('The run failed, or an unexpected failure (see X-Request-Id)'),
  503: failure('Temporarily unavailable; try again later'),
} as const;

const textPart = z.object({ type: z.literal('text'), text: z.string().max(maxChatMessageChars) });
const otherPart = z.object({ type: z.string().max(100) });

const chatMessage = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z
    .union([z.string().max(maxChatMessageChars), z.array(z.union([textPart, otherPart])).max(100)])
    .nullable()
    .optional(),
  name: z.string().max(200).optional(),
});

export type ChatCompletionMessage = z.infer<typeof chatMessage>;

/**
 * The fields of a chat completion request Colony reads; others (temperature, tools, …) are
 * accepted and ignored, since the agent's definition decides them.
 */
export const chatCompletionRequest = z
  .object({
    model: z.string().min(1).max(200).openapi({ description: 'An agent of the org, by name or id' }),
    messages: z
      .array(chatMessage)
      .min(1)
      .max(1000)
      .openapi({ description: 'Only the last message (a user message) is sent; Colony keeps the history' }),
    stream: z.boolean().nullable().optional(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).nullable().optional(),
    user: z
      .string()
      .max(200)
      .optional()
      .openapi({ description: 'A chat id (`chat_…`) continues that chat, like `X-Colony-Chat-Id`' }),
  })
  .openapi('ChatCompletionRequest');

export const chatCompletionHeaders = idempotencyHeaders.extend({
  'x-colony-chat-id': z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: 'Continues this chat; without it (or `user`) each call starts a new chat' }),
});

const usage = z.object({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
});

const approval = z.object({ toolCallId: z.string(), toolName: z.string(), input: z.unknown() });

/** Colony's extension of a completion: which chat and run answered, and what a run waits for. */
export const colonyExtension = z.object({
  chatId: z.string(),
  runId: z.string(),
  status: z.string(),
  approvals: z.array(approval).optional(),
});

export const chatCompletion = z
  .object({
    id: z.string(),
    object: z.literal('chat.completion'),
    created: z.number().int(),
    model: z.string(),
    choices: z.array(
      z.object({
        index: z.number().int(),
        message: z.object({
          role: z.literal('assistant'),
          content: z.string(),
          refusal: z.null(),
        }),
        finish_reason: z.enum(['stop', 'approval_required']),
        logprobs: z.null(),
      }),
    ),
    usage,
    colony: colonyExtension,
  })
  .openapi('ChatCompletion');

export const modelList = z
  .object({
    object: z.literal('list'),
    data: z.array(
      z.object({
        id: z.string(),
        object: z.literal('model'),
        created: z.number().int(),
        owned_by: z.string(),
        colony: z.object({ agentId: z.string(), version: z.number().int() }),
      }),
    ),
  })
  .openapi('ModelList');
