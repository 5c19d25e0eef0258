import { ColonyError } from '../errors/index.js';
import { sleep } from '../kernel/index.js';
import { ColonyApiError } from './api-error.js';
import { readSse, type SseMessage } from './sse-reader.js';

export interface ReconnectOptions {
  /** Consecutive failed attempts before giving up (default 10); 0 disables reconnecting. */
  retries?: number;
  /** First delay between attempts; doubles up to 5 s (default 200 ms). */
  delayMs?: number;
}

export interface FollowOptions extends ReconnectOptions {
  /**
   * Opens the stream. `lastEventId` is the id of the last message received (null at first);
   * `attempt` counts opens, starting at 0.
   */
  open(lastEventId: string | null, attempt: number): Promise<Response>;
  /** The stream is over after this message; no reconnect follows. */
  isEnd(message: SseMessage): boolean;
  signal?: AbortSignal | undefined;
}

const maxDelayMs = 5_000;

function isRetryable(thrown: unknown): boolean {
  if (thrown instanceof ColonyApiError) return thrown.status === 0 || [502, 503, 504].includes(thrown.status);
  if (thrown instanceof ColonyError) return false;
  // A body that breaks off mid-stream ("terminated", ECONNRESET) surfaces as a plain error.
  return thrown instanceof Error;
}

/**
 * Reads an SSE stream to its end message, reconnecting with `Last-Event-ID` when the connection
 * drops: the server resumes after the last stored event received, so nothing is missed and
 * nothing repeats (live-only messages without an id sent while disconnected are not replayed).
 */
export async function* followEvents(options: FollowOptions): AsyncGenerator<SseMessage> {
  const retries = options.retries ?? 10;
  const delayMs = options.delayMs ?? 200;
  let lastEventId: string | null = null;
  let failures = 0;
  for (let attempt = 0; ; attempt++) {
    let failure: unknown;
    try {
      const response = await options.open(lastEventId, attempt);
      if (response.body === null)
        throw new ColonyApiError(response.status, 'unavailable', 'the event stream has no body');
      for await (const message of readSse(response.body)) {
        if (message.id !== null) {
          lastEventId = message.id;
          failures = 0;
        }
        yield message;
        if (options.isEnd(message)) return;
      }
      failure = new ColonyApiError(0, 'unavailable', 'the event stream ended before the run did');
    } catch (thrown) {
      if (options.signal?.aborted || !isRetryable(thrown)) throw thrown;
      failure = thrown;
    }
    failures++;
    if (failures > retries) throw failure;
    await sleep(Math.min(delayMs * 2 ** (failures - 1), maxDelayMs), options.signal);
  }
}
