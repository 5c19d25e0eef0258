import { z } from 'zod';

const id = z.string().min(1).max(200);
const metadata = z.record(z.string(), z.unknown()).optional();

/** A part of a message (A2A 1.0: one of `text`, `raw`, `url`, `data`). Colony reads the text parts. */
const part = z
  .object({
    text: z.string().max(100_000).optional(),
    raw: z.string().max(1_000_000).optional(),
    url: z.string().max(4000).optional(),
    data: z.unknown().optional(),
    mediaType: z.string().max(200).optional(),
    filename: z.string().max(500).optional(),
    metadata,
  })
  .strict();

export const a2aMessage = z
  .object({
    messageId: id,
    role: z.enum(['ROLE_USER', 'ROLE_AGENT']),
    parts: z.array(part).min(1).max(50),
    contextId: id.optional(),
    taskId: id.optional(),
    metadata,
    extensions: z.array(z.string().max(500)).max(20).optional(),
    referenceTaskIds: z.array(id).max(20).optional(),
  })
  .strict();

/** `SendMessage` and `SendStreamingMessage` params (A2A 1.0 `SendMessageRequest`). */
export const sendMessageParams = z
  .object({
    tenant: z.string().max(200).optional(),
    message: a2aMessage,
    configuration: z
      .object({
        acceptedOutputModes: z.array(z.string().max(200)).max(20).optional(),
        historyLength: z.number().int().min(0).max(1000).optional(),
        returnImmediately: z.boolean().optional(),
        taskPushNotificationConfig: z.unknown().optional(),
      })
      .strict()
      .optional(),
    metadata,
  })
  .strict();
export type SendMessageParams = z.infer<typeof sendMessageParams>;

/** `GetTask` params. */
export const getTaskParams = z
  .object({ tenant: z.string().max(200).optional(), id, historyLength: z.number().int().min(0).optional() })
  .strict();

/** `CancelTask` params. */
export const cancelTaskParams = z.object({ tenant: z.string().max(200).optional(), id, metadata }).strict();

/** The JSON-RPC 2.0 envelope of every A2A call. */
export const jsonRpcRequest = z.object({
  jsonrpc: z.literal('2.0'),
  id: z.union([z.string().max(200), z.number().int(), z.null()]).optional(),
  method: z.string().min(1).max(200),
  params: z.unknown().optional(),
});
export type JsonRpcRequest = z.infer<typeof jsonRpcRequest>;
