import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { type EventFilter, readEvents, type StoredEvent } from '../events/index.js';
import type { HttpServices } from './http-services.js';

const pageSize = 500;
const heartbeatMs = 15_000;
/** How long a browser's EventSource waits before it reconnects (with `Last-Event-ID`). */
export const sseRetryMs = 3000;

/** `?access_token=`: a stream token (`POST /v1/stream-tokens`) in place of the Authorization header. */
export const accessTokenQuery = z.object({
  access_token: z
    .string()
    .max(2000)
    .optional()
    .openapi({ description: 'A stream token from POST /v1/stream-tokens, for an EventSource (no headers)' }),
});

export interface EventStreamOptions {
  filter: Omit<EventFilter, 'afterSeq' | 'limit'>;
  afterSeq: number;
  /** Include live-only events (text deltas) for this run or chat. */
  live?: boolean;
  /** Closes the stream after writing an event for which this returns true. */
  until?: (event: StoredEvent) => boolean;
}

/** The `Last-Event-ID` header (or `?lastEventId=`), as a sequence number; 0 when absent. */
export function lastEventIdOf(context: Context): number {
  const raw = context.req.header('Last-Event-ID') ?? context.req.query('lastEventId') ?? '0';
  const value = Number.parseInt(raw, 10);
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * Streams stored events as SSE, each with `id: <seq>`, read from the database in sequence order:
 * a reconnect with `Last-Event-ID` resumes with no gap and no duplicate. The bus only wakes the
 * reader (a poll, `eventPollMs`, covers notices lost or never sent across processes). Live deltas carry no id.
 */
export function streamEvents(
  context: Context,
  services: HttpServices,
  options: EventStreamOptions,
): Response {
  return streamSSE(context, async (stream) => {
    await stream.write(`retry: ${sseRetryMs}\n\n`);
    let cursor = options.afterSeq;
    let closed = false;
    let wake: (() => void) | undefined;
    const matches = (event: {
      orgId: string;
      runId: string | null;
      conversationId: string | null;
      subjectId?: string | null;
    }) =>
      event.orgId === options.filter.orgId &&
      (!options.filter.runId || event.runId === options.filter.runId) &&
      (!options.filter.conversationId || event.conversationId === options.filter.conversationId) &&
      (!options.filter.subjectId || event.subjectId === options.filter.subjectId);
    const offStored = services.bus.onNotice((events) => {
      if (events.some(matches)) wake?.();
    });
    const offLive = options.live
      ? services.bus.onLive((event) => {
          if (!matches(event) || closed) return;
          void stream.writeSSE({ event: event.type, data: JSON.stringify(event) });
        })
      : () => {};
    stream.onAbort(() => {
      closed = true;
      wake?.();
    });
    let lastWrite = Date.now();
    try {
      while (!closed) {
        const events = await readEvents(services.database, {
          ...options.filter,
          afterSeq: cursor,
          limit: pageSize,
        });
        for (const event of events) {
          await stream.writeSSE({ id: String(event.seq), event: event.type, data: JSON.stringify(event) });
          cursor = event.seq;
          lastWrite = Date.now();
          if (options.until?.(event)) {
            closed = true;
            break;
          }
        }
        if (closed || events.length === pageSize) continue;
        if (Date.now() - lastWrite > heartbeatMs) {
          await stream.write(': keep-alive\n\n');
          lastWrite = Date.now();
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, services.bus.readerPollMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    } finally {
      offStored();
      offLive();
    }
  });
}
