import { ColonyError } from '../../errors/index.js';
import type { ToolContext } from '../tool-definition.js';
import type { HttpToolConfig } from './http-config.js';
import type { HttpEndpoint, HttpMethod } from './http-endpoint.js';
import { secretReferences } from './http-headers.js';
import type { HttpRequestInput } from './http-request-input.js';

/** Turns an endpoint's static header values into what is sent: the seam where secrets will be resolved. */
export type HeaderResolver = (
  headers: Readonly<Record<string, string>>,
  context: ToolContext,
) => Promise<Record<string, string>>;

/** Today's resolver: values are sent as written, and a `{{secrets.NAME}}` reference is refused. */
export const literalHeaders: HeaderResolver = async (headers) => {
  for (const [name, value] of Object.entries(headers)) {
    if (secretReferences(value).length > 0) {
      throw new ColonyError(
        'forbidden',
        `http_request: header ${name} references a secret; secrets are not available yet`,
      );
    }
  }
  return { ...headers };
};

/** One call, ready to send. */
export interface HttpTarget {
  url: URL;
  method: HttpMethod;
  headers: Record<string, string>;
  body: Buffer | null;
  maxResponseBytes: number;
  /** Header names (lower case) that never follow a redirect to another origin. */
  originBoundHeaders: Set<string>;
}

export function invalid(message: string): ColonyError {
  return new ColonyError('invalid_input', `http_request: ${message}`);
}

export function parseUrl(text: string, base?: URL): URL {
  try {
    return new URL(text, base);
  } catch {
    throw invalid(`"${text.slice(0, 200)}" is not a valid URL`);
  }
}

/** The URL of `path` under the endpoint's base URL; refuses a path that climbs out of it. */
function endpointUrl(endpoint: HttpEndpoint, path: string): URL {
  const base = new URL(endpoint.baseUrl);
  const prefix = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  const url = parseUrl(path.replace(/^\/+/, ''), new URL(prefix, base));
  if (url.search !== '' || url.hash !== '') throw invalid('put query parameters in `query`, not in `path`');
  if (
    url.origin !== base.origin ||
    !(`${url.pathname}/`.startsWith(prefix) || url.pathname === base.pathname)
  ) {
    throw new ColonyError(
      'forbidden',
      `http_request: path "${path.slice(0, 200)}" leaves the endpoint's base URL`,
    );
  }
  return url;
}

function encodeBody(body: unknown, headers: Record<string, string>): Buffer | null {
  if (body === undefined) return null;
  const hasType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  if (typeof body === 'string') {
    if (!hasType) headers['content-type'] = 'text/plain; charset=utf-8';
    return Buffer.from(body, 'utf8');
  }
  if (!hasType) headers['content-type'] = 'application/json';
  return Buffer.from(JSON.stringify(body), 'utf8');
}

/**
 * Builds the request `input` asks for: to a named endpoint of the agent (its methods, headers and
 * size limits apply) or to a URL (GET and HEAD only). The egress policy is checked when it is sent.
 */
export async function resolveTarget(
  input: HttpRequestInput,
  config: HttpToolConfig,
  context: ToolContext,
  resolveHeaders: HeaderResolver,
): Promise<HttpTarget> {
  const method = input.method ?? 'GET';
  const headers: Record<string, string> = { 'user-agent': 'colony-http-tool', ...input.headers };
  let url: URL;
  let endpoint: HttpEndpoint | undefined;
  if (input.endpoint !== undefined) {
    endpoint = context.httpEndpoints[input.endpoint];
    if (endpoint === undefined) {
      const known = Object.keys(context.httpEndpoints);
      throw invalid(`this agent has no endpoint "${input.endpoint}" (it has: ${known.join(', ') || 'none'})`);
    }
    if (!endpoint.methods.includes(method)) {
      throw new ColonyError(
        'forbidden',
        `http_request: endpoint "${input.endpoint}" allows only ${endpoint.methods.join(', ')}, not ${method}`,
      );
    }
    url = endpointUrl(endpoint, input.path ?? '');
    // The endpoint's headers win over the model's.
    for (const name of Object.keys(headers)) {
      if (Object.keys(endpoint.headers).some((own) => own.toLowerCase() === name.toLowerCase()))
        delete headers[name];
    }
    Object.assign(headers, await resolveHeaders(endpoint.headers, context));
  } else {
    url = parseUrl(input.url ?? '');
  }
  for (const [name, value] of Object.entries(input.query ?? {})) url.searchParams.append(name, String(value));
  const body = encodeBody(input.body, headers);
  const maxRequestBytes = endpoint?.maxRequestBytes ?? 0;
  if (body !== null && body.length > maxRequestBytes) {
    throw invalid(
      `the body has ${body.length} bytes; endpoint "${input.endpoint}" accepts at most ${maxRequestBytes}`,
    );
  }
  return {
    url,
    method,
    headers,
    body,
    maxResponseBytes: Math.min(
      endpoint?.maxResponseBytes ?? config.maxResponseBytes,
      config.maxResponseBytes,
    ),
    originBoundHeaders: new Set(Object.keys(endpoint?.headers ?? {}).map((name) => name.toLowerCase())),
  };
}
