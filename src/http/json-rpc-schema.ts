import { z } from '@hono/zod-openapi';

/** The body of a JSON-RPC 2.0 endpoint (MCP, A2A): the envelope; each protocol checks its params. */
export const jsonRpcMessage = z
  .object({
    jsonrpc: z.literal('2.0'),
    id: z.union([z.string().max(200), z.number().int(), z.null()]).optional(),
    method: z.string().max(200).optional(),
    params: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough()
  .openapi('JsonRpcMessage');
