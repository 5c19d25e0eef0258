import type { IncomingMessage } from 'node:http';
import { ColonyError, coerceError, isColonyError } from '../../errors/index.js';
import { redactError, redactSecrets } from '../secret-references.js';
import { noResolvedSecrets, noSecrets, type SecretResolver } from '../secret-resolver.js';
import type { ToolDefinition } from '../tool-definition.js';
import {
  checkUrl,
  defaultEgressDependencies,
  type EgressDependencies,
  resolveAllowedAddresses,
} from './egress-policy.js';
import type { HttpToolConfig } from './http-config.js';
import { isMutatingMethod } from './http-endpoint.js';
import { type HttpRequestInput, httpRequestInput } from './http-request-input.js';
import { type HttpTarget, parseUrl, resolveTarget } from './http-target.js';
import { readLimitedBody, sendRequest } from './send-request.js';

/** Headers dropped when a redirect leaves the original origin (with the endpoint's own). */
const credentialHeaders = new Set(['authorization', 'cookie', 'proxy-authorization']);
const returnedHeaders = ['content-type', 'content-length', 'date', 'etag', 'last-modified', 'location'];
const redirectStatuses = new Set([301, 302, 303, 307, 308]);
/** Methods that are safe to send again after a crash interrupted them (RFC 9110 §9.2.2). */
const idempotentMethods = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

export type { HttpRequestInput } from './http-request-input.js';

export interface HttpRequestOutput {
  status: number;
  /** A small allow-listed subset of the response headers. */
  headers: Record<string, string>;
  /** The body as text, cut at the response size limit. */
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

/**
 * Creates the `http_request` tool: GET or HEAD a public URL, or call one of the agent's named
 * endpoints with any method it allows, under the egress policy of `config` (allow and deny host
 * lists, no private addresses unless allowed, every redirect re-checked, DNS answers pinned, size
 * and time limits). Only GET and HEAD follow redirects; another method returns the redirect.
 * Policy violations throw `forbidden`; network failures `unavailable`; the deadline `timeout`.
 * An endpoint's `{{secrets.NAME}}` references are filled from `secrets` (grants checked, each use
 * recorded), and every value sent is redacted (`[secret:NAME]`) from the output and any error.
 */
export function createHttpRequestTool(
  config: HttpToolConfig,
  dependencies: EgressDependencies = defaultEgressDependencies,
  secrets: SecretResolver = noSecrets,
): ToolDefinition<HttpRequestInput, HttpRequestOutput> {
  async function send(target: HttpTarget, signal: AbortSignal): Promise<HttpRequestOutput> {
    let { url, headers } = target;
    const follows = !isMutatingMethod(target.method);
    for (let redirects = 0; ; redirects++) {
      const host = checkUrl(url, config);
      const addresses = await resolveAllowedAddresses(host, config, dependencies, signal);
      const response = await sendRequest(
        url,
        addresses,
        { method: target.method, headers: { ...headers, 'accept-encoding': 'identity' }, body: target.body },
        signal,
      );
      const location = response.headers.location;
      if (!follows || !redirectStatuses.has(response.statusCode ?? 0) || location === undefined) {
        const { body, truncated } =
          target.method === 'HEAD'
            ? { body: '', truncated: false }
            : await readLimitedBody(response, target.maxResponseBytes);
        response.destroy();
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
          Object.entries(headers).filter(([name]) => {
            const lower = name.toLowerCase();
            return !credentialHeaders.has(lower) && !target.originBoundHeaders.has(lower);
          }),
        );
      }
      url = next;
    }
  }

  return {
    name: 'http_request',
    description:
      "Sends an HTTP request and returns the status, a few headers and the body as text (size-limited). Either `url` (GET or HEAD of a public URL) or `endpoint` + `path` (one of this agent's named endpoints, with the methods it allows). " +
      'Only hosts allowed by the operator can be reached.',
    inputSchema: httpRequestInput,
    requiresApproval(input) {
      if (config.approval === 'mutating') return isMutatingMethod(input.method ?? 'GET');
      return config.approval === 'always';
    },
    isMutating: (input) => isMutatingMethod(input.method ?? 'GET'),
    idempotent: (input) => idempotentMethods.has(input.method ?? 'GET'),
    async execute(input, context) {
      const deadline = AbortSignal.timeout(config.timeoutMs);
      const signal = AbortSignal.any([context.signal, deadline]);
      let used = noResolvedSecrets;
      try {
        const target = await resolveTarget(input, config, context, secrets);
        used = target.secrets;
        return redactSecrets(await send(target, signal), used);
      } catch (thrown) {
        const error = redactError(coerceError(thrown), used);
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
