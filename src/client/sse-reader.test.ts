import { describe, expect, it } from 'vitest';
import { readSse, type SseMessage } from './sse-reader.js';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function collect(chunks: string[]): Promise<SseMessage[]> {
  const messages: SseMessage[] = [];
  for await (const message of readSse(streamOf(chunks))) messages.push(message);
  return messages;
}

describe('readSse', () => {
  it('parses ids, event names and data, skipping comments', async () => {
    const messages = await collect([
      ': keep-alive\n\n',
      'id: 7\nevent: run-started\ndata: {"seq":7}\n\n',
      'event: run-text-delta\ndata: {"delta":"hi"}\n\n',
    ]);
    expect(messages).toEqual([
      { id: '7', event: 'run-started', data: '{"seq":7}' },
      { id: null, event: 'run-text-delta', data: '{"delta":"hi"}' },
    ]);
  });

  it('reassembles messages split across chunks and CRLF line ends', async () => {
    const messages = await collect([
      'id: 1\r',
      '\nevent: a\r\nda',
      'ta: x\r\ndata: y\r\n',
      '\r\n',
      'data: z\n\n',
    ]);
    expect(messages).toEqual([
      { id: '1', event: 'a', data: 'x\ny' },
      { id: null, event: 'message', data: 'z' },
    ]);
  });

  it('drops a trailing message that never ended', async () => {
    expect(await collect(['data: done\n\n', 'data: cut off'])).toEqual([
      { id: null, event: 'message', data: 'done' },
    ]);
  });

  it('splits multi-byte characters safely', async () => {
    const bytes = new TextEncoder().encode('data: héllo ✓\n\n');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of bytes) controller.enqueue(new Uint8Array([byte]));
        controller.close();
      },
    });
    const messages: SseMessage[] = [];
    for await (const message of readSse(stream)) messages.push(message);
    expect(messages).toEqual([{ id: null, event: 'message', data: 'héllo ✓' }]);
  });
});
