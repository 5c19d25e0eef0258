import { ColonyError, coerceError } from '../errors/index.js';
import {
  type A2aContext,
  type A2aTarget,
  cancelTask,
  getTask,
  type StreamEvent,
  sendMessage,
  streamMessage,
} from './a2a-methods.js';
import { jsonRpcRequest } from './a2a-schemas.js';

type RequestId = string | number | null;

export interface JsonRpcError {
  code: number;
  message: string;
  data?: { code: string; details?: unknown };
}

export type JsonRpcResponse =
  | { jsonrpc: '2.0'; id: RequestId; result: unknown }
  | { jsonrpc: '2.0'; id: RequestId; error: JsonRpcError };

/** What the endpoint answers: one JSON-RPC response, or (for `SendStreamingMessage`) a stream of them. */
export type A2aAnswer =
  | { kind: 'response'; response: JsonRpcResponse }
  | { kind: 'stream'; id: RequestId; events: AsyncGenerator<StreamEvent> };

/** A2A 1.0 error codes (JSON-RPC binding) and JSON-RPC's own. */
const codes = {
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internal: -32603,
  /** JSON-RPC's range for server errors: a Colony refusal with no A2A code (forbidden, rate_limited…). */
  server: -32000,
  taskNotFound: -32001,
  taskNotCancelable: -32002,
  pushNotSupported: -32003,
  unsupportedOperation: -32004,
  contentTypeNotSupported: -32005,
  versionNotSupported: -32009,
} as const;

const pushMethods = new Set([
  'CreateTaskPushNotificationConfig',
  'GetTaskPushNotificationConfig',
  'ListTaskPushNotificationConfigs',
  'DeleteTaskPushNotificationConfig',
]);
const unsupportedMethods = new Set(['ListTasks', 'SubscribeToTask', 'GetExtendedAgentCard']);

const failure = (id: RequestId, error: JsonRpcError): A2aAnswer => ({
  kind: 'response',
  response: { jsonrpc: '2.0', id, error },
});

/** A Colony error as an A2A/JSON-RPC error; the Colony code stays in `data.code`. */
export function toJsonRpcError(thrown: unknown, method: string): JsonRpcError {
  if (!(thrown instanceof ColonyError)) {
    return { code: codes.internal, message: 'internal error', data: { code: 'internal' } };
  }
  const data = { code: thrown.code, ...(thrown.details ? { details: thrown.details } : {}) };
  const code =
    thrown.code === 'not_found'
      ? typeof thrown.details?.taskId === 'string'
        ? codes.taskNotFound
        : codes.invalidParams
      : thrown.code === 'invalid_input'
        ? codes.invalidParams
        : thrown.code === 'conflict' && method === 'CancelTask'
          ? codes.taskNotCancelable
          : thrown.code === 'unsupported_media_type'
            ? codes.contentTypeNotSupported
            : thrown.code === 'internal'
              ? codes.internal
              : codes.server;
  return { code, message: thrown.message, data };
}

/**
 * One A2A 1.0 JSON-RPC call (`SendMessage`, `SendStreamingMessage`, `GetTask`, `CancelTask`) for
 * the caller in `context`. `version` is the request's `A2A-Version` header: a version other than
 * 1.x is refused (`VersionNotSupportedError`); none is taken as 1.0.
 */
export async function handleA2aCall(
  context: A2aContext,
  body: unknown,
  target: A2aTarget,
  version: string | undefined,
  onInternal: (error: Error) => void,
): Promise<A2aAnswer> {
  const envelope = jsonRpcRequest.safeParse(body);
  if (!envelope.success) {
    return failure(null, { code: codes.invalidRequest, message: 'not a JSON-RPC 2.0 request' });
  }
  const { id = null, method, params } = envelope.data;
  if (version !== undefined && !/^1(\.\d+)*$/.test(version.trim())) {
    return failure(id, {
      code: codes.versionNotSupported,
      message: `A2A-Version ${version} is not supported; this server speaks 1.0`,
    });
  }
  try {
    switch (method) {
      case 'SendMessage':
        return {
          kind: 'response',
          response: { jsonrpc: '2.0', id, result: { task: await sendMessage(context, params, target) } },
        };
      case 'SendStreamingMessage':
        return { kind: 'stream', id, events: await streamMessage(context, params, target) };
      case 'GetTask':
        return { kind: 'response', response: { jsonrpc: '2.0', id, result: await getTask(context, params) } };
      case 'CancelTask':
        return {
          kind: 'response',
          response: { jsonrpc: '2.0', id, result: await cancelTask(context, params) },
        };
    }
    if (pushMethods.has(method)) {
      return failure(id, { code: codes.pushNotSupported, message: 'push notifications are not supported' });
    }
    if (unsupportedMethods.has(method)) {
      return failure(id, { code: codes.unsupportedOperation, message: `${method} is not supported` });
    }
    return failure(id, { code: codes.methodNotFound, message: `no method ${method}` });
  } catch (thrown) {
    if (!(thrown instanceof ColonyError) || thrown.code === 'internal') onInternal(coerceError(thrown));
    return failure(id, toJsonRpcError(thrown, method));
  }
}
