import type { CallToolResult } from '@modelcontextprotocol/server';
import { ColonyError, coerceError } from '../errors/index.js';
import type { Logger } from '../observability/index.js';

/** A tool's answer: a short text for the model and the same facts as structured content. */
export function toolResult(text: string, structured: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

/**
 * Runs a tool body and turns a thrown error into an MCP tool error (`isError`): the calling model
 * reads the code and message and can correct itself. Errors outside Colony's family are logged
 * and answered as `internal` without their text.
 */
export async function asToolCall(
  logger: Logger,
  tool: string,
  body: () => Promise<CallToolResult>,
): Promise<CallToolResult> {
  try {
    return await body();
  } catch (thrown) {
    const error = thrown instanceof ColonyError ? thrown : undefined;
    if (!error) logger.error({ err: coerceError(thrown), tool }, 'MCP tool failed');
    const code = error?.code ?? 'internal';
    const message = error?.message ?? 'the tool failed; see the server log';
    return {
      isError: true,
      content: [{ type: 'text', text: `${code}: ${message}` }],
      structuredContent: { error: { code, message, ...(error?.details ? { details: error.details } : {}) } },
    };
  }
}
