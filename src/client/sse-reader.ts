/** One server-sent event: `id` is null when the event carried no `id:` field (live-only events). */
export interface SseMessage {
  id: string | null;
  event: string;
  data: string;
}

/**
 * Parses a `text/event-stream` body into messages, following the WHATWG rules: `data:` lines are
 * joined with newlines, `event:` defaults to `message`, comments (`: keep-alive`) are skipped, and
 * a message is dispatched at a blank line.
 *
 * @example
 * for await (const message of readSse(response.body)) console.log(message.event, message.data);
 */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  let buffer = '';
  let id: string | null = null;
  let event = '';
  let data: string[] = [];
  const reader = body.getReader();
  try {
    while (true) {
      const chunk = await reader.read();
      buffer += chunk.done ? decoder.decode() : decoder.decode(chunk.value, { stream: true });
      let newline = buffer.search(/\r\n|\r|\n/);
      while (newline !== -1) {
        // A lone '\r' at the end may be the first half of '\r\n': wait for more input.
        if (buffer[newline] === '\r' && newline === buffer.length - 1 && !chunk.done) break;
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        if (line === '') {
          if (data.length > 0) yield { id, event: event || 'message', data: data.join('\n') };
          id = null;
          event = '';
          data = [];
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon === -1 ? line : line.slice(0, colon);
          let value = colon === -1 ? '' : line.slice(colon + 1);
          if (value.startsWith(' ')) value = value.slice(1);
          if (field === 'data') data.push(value);
          else if (field === 'event') event = value;
          else if (field === 'id' && !value.includes('\0')) id = value;
        }
        newline = buffer.search(/\r\n|\r|\n/);
      }
      if (chunk.done) return;
    }
  } finally {
    await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
