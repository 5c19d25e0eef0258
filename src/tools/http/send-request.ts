import type { LookupAddress } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

/** A lookup that answers only with addresses that were already checked (DNS pinning). */
function pinnedLookup(addresses: LookupAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const first = addresses[0];
    if (options.all === true) callback(null, addresses);
    else if (first !== undefined) callback(null, first.address, first.family);
    else callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), '', 0);
  };
}

/** What one request sends. */
export interface OutgoingRequest {
  method: string;
  headers: Record<string, string>;
  body: Buffer | null;
}

/**
 * Sends one request to `url`, connecting only to `addresses`; redirects are not followed. A
 * keep-alive `agent` (webhooks) reuses connections it opened to checked addresses; without one,
 * each request has its own connection.
 */
export function sendRequest(
  url: URL,
  addresses: LookupAddress[],
  request: OutgoingRequest,
  signal: AbortSignal,
  agent: http.Agent | false = false,
): Promise<IncomingMessage> {
  const transport = url.protocol === 'https:' ? https : http;
  const headers =
    request.body === null
      ? request.headers
      : { ...request.headers, 'content-length': String(request.body.length) };
  return new Promise((resolve, reject) => {
    const outgoing = transport.request(url, {
      method: request.method,
      headers,
      lookup: pinnedLookup(addresses),
      signal,
      agent,
    });
    outgoing.once('response', resolve);
    outgoing.once('error', reject);
    outgoing.end(request.body ?? undefined);
  });
}

/** Reads at most `limit` bytes of a body as UTF-8, then stops reading and closes the connection. */
export async function readLimitedBody(
  response: IncomingMessage,
  limit: number,
): Promise<{ body: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of response) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    const room = limit - size;
    if (buffer.length > room) {
      chunks.push(buffer.subarray(0, room));
      truncated = true;
      break;
    }
    chunks.push(buffer);
    size += buffer.length;
  }
  return { body: new TextDecoder().decode(Buffer.concat(chunks)), truncated };
}
