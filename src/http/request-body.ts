import type { IncomingMessage } from 'node:http';
import type { Context as HonoContext, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ColonyError } from '../errors/index.js';

const jsonMediaType = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/**
 * Reads a JSON request body straight from Node's IncomingMessage, enforcing `maxBytes` as it
 * reads (413 as soon as the declared or the received length passes it), and hands the text to
 * Hono's body cache, which `c.req.json()` and the zod validators read.
 *
 * Why not Hono's own path: reading a body through @hono/node-server builds a full fetch `Request`
 * (undici) with an abort signal and a web stream for every POST; under bench/api that was the
 * largest single cost of accepting a message after the database, and the signal's weak
 * bookkeeping kept each request's objects alive into the old generation. Bodies that are not
 * JSON, and requests that do not come from Node's server (`app.request` in tests), take Hono's
 * `bodyLimit` path unchanged.
 */
export function createBodyReader(
  maxBytes: number,
  tooLarge: (http: HonoContext) => Response | Promise<Response>,
): MiddlewareHandler {
  const fallback = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (http, next) => {
    const incoming = (http.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const contentType = http.req.header('Content-Type') ?? '';
    if (!incoming || incoming.readableDidRead || !jsonMediaType.test(contentType)) {
      return fallback(http, next);
    }
    const declared = Number(incoming.headers['content-length'] ?? Number.NaN);
    if (declared > maxBytes) return tooLarge(http);
    const chunks: Buffer[] = [];
    let received = 0;
    try {
      for await (const chunk of incoming as AsyncIterable<Buffer>) {
        received += chunk.length;
        if (received > maxBytes) return tooLarge(http);
        chunks.push(chunk);
      }
    } catch (error) {
      throw new ColonyError('invalid_input', 'the request body could not be read', undefined, {
        cause: error,
      });
    }
    let text = Buffer.concat(chunks, received).toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // as fetch's text() does
    // HonoRequest caches the promise of each body read (its type names the resolved values).
    (http.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(text);
    await next();
  };
}
