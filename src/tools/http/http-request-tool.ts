import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { ColonyError, coerceError, isColonyError } from '../../errors/index.js';
import type { ToolDefinition } from '../tool-definition.js';
import {
  checkUrl,
  defaultEgressDependencies,
  type EgressDependencies,
  resolveAllowedAddresses,
} from './egress-policy.js';
import type { HttpToolConfig } from './http-config.js';
import { readLimitedBody, sendRequest } from './send-request.js';

/** Headers the model may not set: they belong to the transport or would bypass the body limits. */
const reservedHeaders = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'accept-encoding',
  'upgrade',
  'te',
  'keep-alive',
  'proxy-connection',
  'expect',
]);
/** Headers dropped when a redirect leaves the original origin. */
const credentialHeaders = new Set(['authorization', 'cookie', 'proxy-authorization']);
const returnedHeaders = ['content-type', 'content-length', 'date', 'etag', 'last-modified', 'location'];
const redirectStatuses = new Set([301, 302, 303, 307, 308]);

const headerName = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/, 'header names are 1-100 token characters')
  .refine(
    (name) => !reservedHeaders.has(name.toLowerCase()),
    'this header is set by Colony and cannot be overridden',
  );
const headerValue = z
  .string()
  .max(2_000)
  .regex(/^[^\r\n\0]*$/, 'header values cannot contain line breaks');

const inputSchema = z.object({
  url: z.string().max(4_000).describe('Absolute http(s) URL'),
  // Mutating methods arrive in a later release; they will require approval (see requiresApproval).
  method: z
    .enum(['GET'], { error: 'only GET is supported by http_request for now' })
    .optional()
    .describe('HTTP method; only GET for now'),
  headers: z
    .record(headerName, headerValue)
    .refine((headers) => Object.keys(headers).length <= 20, 'at most 20 headers')
    .optional(),
});

export type HttpRequestInput = z.infer<typeof inputSchema>;

export interface HttpRequestOutput {
  status: number;
  /** A small allow-listed subset of the response headers. */
  headers: Record<string, string>;
  /** The body as text, cut at `maxResponseBytes`. */
  body: string;
  truncated: boolean;
  /** The final URL, after redirects. */
  url: string;
}

function pickHeaders(response: IncomingMessage): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of returnedHeaders) {
    const value = response.headers[name];
    if (value !== undefined) picked[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return picked;
}

function parseUrl(text: string, base?: URL): URL {
  try {
    return new URL(text, base);
  } catch {
    throw new ColonyError('invalid_input', `http_request: "${text.slice(0, 200)}" is not a valid URL`);
  }
}

/**
 * Creates the `http_request` tool: GET a public URL under the egress policy of `config` (allow and
 * deny host lists, no private addresses unless allowed, every redirect re-checked, DNS answers
 * pinned, size and time limits). Policy violations throw `forbidden`; network failures throw
 * `unavailable`; the deadline throws `timeout`.
 */
export function createHttpRequestTool(
  config: HttpToolConfig,
  dependencies: EgressDependencies = defaultEgressDependencies,
): ToolDefinition<HttpRequestInput, HttpRequestOutput> {
  async function fetchFollowing(input: HttpRequestInput, signal: AbortSignal): Promise<HttpRequestOutput> {
    let url = parseUrl(input.url);
    let headers: Record<string, string> = { 'user-agent': 'colony-http-tool', ...input.headers };
    for (let redirects = 0; ; redirects++) {
      const host = checkUrl(url, config);
      const addresses = await resolveAllowedAddresses(host, config, dependencies, signal);
      const response = await sendRequest(
        url,
        addresses,
        { ...headers, 'accept-encoding': 'identity' },
        signal,
      );
      const location = response.headers.location;
      if (!redirectStatuses.has(response.statusCode ?? 0) || location === undefined) {
        const { body, truncated } = await readLimitedBody(response, config.maxResponseBytes);
        return {
          status: response.statusCode ?? 0,
          headers: pickHeaders(response),
          body,
          truncated,
          url: url.href,
        };
      }
      response.destroy();
      if (redirects >= config.maxRedirects) {
        throw new ColonyError('unavailable', `http_request: more than ${config.maxRedirects} redirects`);
      }
      const next = parseUrl(location, url);
      if (next.origin !== url.origin) {
        headers = Object.fromEntries(
          Object.entries(headers).filter(([name]) => !credentialHeaders.has(name.toLowerCase())),
        );
      }
      url = next;
    }
  }

  return {
    name: 'http_request',
    description:
      'Fetches a URL with HTTP GET and returns the status, a few headers and the body as text (size-limited). ' +
      'Only public hosts allowed by the operator can be reached.',
    inputSchema,
    requiresApproval(input) {
      // When mutating methods are allowed, they will always require approval here.
      return config.approval === 'always' || (input.method ?? 'GET') !== 'GET';
    },
    idempotent: true,
    async execute(input, context) {
      if ((input.method ?? 'GET') !== 'GET')
        throw new ColonyError('forbidden', 'http_request: only GET is supported');
      const deadline = AbortSignal.timeout(config.timeoutMs);
      const signal = AbortSignal.any([context.signal, deadline]);
      try {
        return await fetchFollowing(input, signal);
      } catch (error) {
        if (context.signal.aborted)
          throw new ColonyError('canceled', 'http_request was canceled', undefined, { cause: error });
        if (deadline.aborted) {
          throw new ColonyError('timeout', `http_request timed out after ${config.timeoutMs} ms`, undefined, {
            cause: error,
          });
        }
        if (isColonyError(error)) throw error;
        const message = coerceError(error).message;
        throw new ColonyError('unavailable', `http_request: ${message}`, undefined, { cause: error });
      }
    },
  };
}
