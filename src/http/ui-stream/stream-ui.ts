import type { UIMessageChunk } from 'ai';
import type { Context as HonoContext } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Context } from '../../context/index.js';
import { coerceError } from '../../errors/index.js';
import { type ChatWatch, turnOutcome } from '../../turns/index.js';
import { createUiChunker } from './ui-chunks.js';

/**
 * Streams a run as an AI SDK UI message stream: `start` (the message id is the run's, so a
 * resumed stream continues the same message), the run's parts, `finish` when it ends or waits
 * for an approval, then `[DONE]`. `afterSeq` skips what the client already has.
 */
export function streamUiMessages(
  http: HonoContext,
  context: Context,
  watch: ChatWatch,
  runId: string,
  options: { afterSeq: number },
): Response {
  http.header('x-vercel-ai-ui-message-stream', 'v1');
  return streamSSE(http, async (stream) => {
    const aborted = new AbortController();
    stream.onAbort(() => aborted.abort());
    const send = (chunk: UIMessageChunk) => stream.writeSSE({ data: JSON.stringify(chunk) });
    const chunker = createUiChunker(runId);
    try {
      await send({ type: 'start', messageId: runId });
      for await (const update of watch.follow(runId, {
        afterSeq: options.afterSeq,
        signal: aborted.signal,
      })) {
        for (const chunk of chunker.chunksOf(update)) await send(chunk);
        if (update.kind === 'event' && update.event.type === 'run-waiting') {
          if ((await turnOutcome(context, runId)).status !== 'waiting') continue;
          for (const chunk of chunker.waiting()) await send(chunk);
          break;
        }
      }
    } catch (thrown) {
      if (!aborted.signal.aborted) await send({ type: 'error', errorText: coerceError(thrown).message });
    } finally {
      watch.close();
    }
    if (!aborted.signal.aborted) await stream.writeSSE({ data: '[DONE]' });
  });
}
