import { ColonyError } from '../../errors/index.js';
import { fillSecretsIn, secretReferencesIn } from '../secret-references.js';
import { noResolvedSecrets, type ResolvedSecrets, type SecretResolver } from '../secret-resolver.js';
import type { ToolContext } from '../tool-definition.js';
import { checkUrl } from './egress-policy.js';
import type { HttpToolConfig } from './http-config.js';
import type { HttpEndpoint, HttpMethod } from './http-endpoint.js';
import type { HttpRequestInput } from './http-request-input.js';

/** One call, ready to send. */
export interface HttpTarget {
  url: URL;
  method: HttpMethod;
  headers: Record<string, string>;
  body: Buffer | null;
  maxResponseBytes: number;
  /** Header names (lower case) that never follow a redirect to another origin. */
  originBoundHeaders: Set<string>;
  /** The secrets the endpoint's headers and query referenced: redacted from the output. */
  secrets: ResolvedSecrets;
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
 * The endpoint's headers and query with their `{{secrets.NAME}}` references filled in, when the
 * agent or chat of the run holds a grant for each (`forToolCall` records the use).
 */
async function endpointValues(endpoint: HttpEndpoint, context: ToolContext, resolver: SecretResolver) {
  const query = endpoint.query ?? {};
  const names = secretReferencesIn(endpoint.headers, query);
  if (names.length === 0) return { headers: { ...endpoint.headers }, query, secrets: noResolvedSecrets };
  const secrets = await resolver.forToolCall(context, 'http_request', names);
  const headers = fillSecretsIn(endpoint.headers, secrets);
  for (const [name, value] of Object.entries(endpoint.headers)) {
    if (/[\r\n\0]/.test(headers[name] ?? '')) {
      const used = secretReferencesIn({ value }).join(', ');
      throw invalid(`header ${name}: the secret ${used} holds a line break, which a header cannot carry`);
    }
  }
  return { headers, query: fillSecretsIn(query, secrets), secrets };
}

/**
 * Builds the request `input` asks for: to a named endpoint of the agent (its methods, headers and
 * size limits apply) or to a URL (GET and HEAD only). The egress policy is checked when it is sent.
 */
export async function resolveTarget(
  input: HttpRequestInput,
  config: HttpToolConfig,
  context: ToolContext,
  resolver: SecretResolver,
): Promise<HttpTarget> {
  const method = input.method ?? 'GET';
  const headers: Record<string, string> = { 'user-agent': 'colony-http-tool', ...input.headers };
  let url: URL;
  let endpoint: HttpEndpoint | undefined;
  let fixedQuery: Record<string, string> = {};
  let secrets = noResolvedSecrets;
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
    // A host the egress rules refuse gets no secret (and records no use of one).
    checkUrl(url, config);
    const own = await endpointValues(endpoint, context, resolver);
    Object.assign(headers, own.headers);
    fixedQuery = own.query;
    secrets = own.secrets;
  } else {
    url = parseUrl(input.url ?? '');
  }
  // The endpoint's query parameters come first, and the model cannot replace them.
  for (const [name, value] of Object.entries(fixedQuery)) url.searchParams.append(name, value);
  for (const [name, value] of Object.entries(input.query ?? {})) {
    if (!(name in fixedQuery)) url.searchParams.append(name, String(value));
  }
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
    secrets,
  };
}
