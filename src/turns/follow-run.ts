import type { Services } from '../context/index.js';
import { type LiveEvent, readEvents, type StoredEvent } from '../events/index.js';

/** What a follower sees of a run: its text as it is written, and its stored events in order. */
export type RunUpdate =
  | { kind: 'text'; stepIndex: number; text: string }
  | { kind: 'reasoning'; stepIndex: number; text: string }
  | { kind: 'event'; event: StoredEvent };

const pageSize = 500;

/** A run's stream ends with its terminal event. */
export function isRunEnd(event: StoredEvent): boolean {
  return event.type === 'run-succeeded' || event.type === 'run-failed' || event.type === 'run-canceled';
}

/** Live updates of one chat, listened to from before its next run is queued. */
export interface ChatWatch {
  /**
   * The run's updates: stored events after `afterSeq` (a resumed follower passes the last one
   * it saw), with the text of each model step in between. Text deltas are live-only; the text a
   * follower missed (it subscribed late, or resumed) is sent whole when the step's
   * `run-step-end` is read, so the concatenated text is always the step's full text.
   */
  follow(runId: string, options: { afterSeq?: number; signal: AbortSignal }): AsyncGenerator<RunUpdate>;
  close(): void;
}

/** Starts listening to a chat's live text; call before queuing the run, `close` when done. */
export function watchChat(
  services: Pick<Services, 'bus' | 'database'>,
  orgId: string,
  chatId: string,
): ChatWatch {
  const live: LiveEvent[] = [];
  let wake: (() => void) | undefined;
  // Set by every notification, so one that arrives while the database is read is not lost.
  let notified = false;
  const notify = () => {
    notified = true;
    wake?.();
  };
  const offLive = services.bus.onLive((event) => {
    if (event.orgId !== orgId || event.conversationId !== chatId) return;
    live.push(event);
    notify();
  });
  const offStored = services.bus.onNotice((notices) => {
    if (notices.some((event) => event.orgId === orgId && event.conversationId === chatId)) notify();
  });
  const close = () => {
    offLive();
    offStored();
    wake?.();
  };
  async function* follow(
    runId: string,
    options: { afterSeq?: number; signal: AbortSignal },
  ): AsyncGenerator<RunUpdate> {
    const written = new Map<string, number>();
    let cursor = options.afterSeq ?? 0;
    const onAbort = () => wake?.();
    options.signal.addEventListener('abort', onAbort);
    try {
      while (!options.signal.aborted) {
        notified = false;
        for (const event of live.splice(0)) {
          if (event.runId !== runId) continue;
          const kind = event.type === 'run-reasoning-delta' ? 'reasoning' : 'text';
          const { stepIndex, delta: text } = event.payload;
          const key = `${kind}:${stepIndex}`;
          written.set(key, (written.get(key) ?? 0) + text.length);
          if (text) yield { kind, stepIndex, text };
        }
        const events = await readEvents(services.database, {
          orgId,
          runId,
          afterSeq: cursor,
          limit: pageSize,
        });
        for (const event of events) {
          cursor = event.seq;
          if (event.type === 'run-step-end' && event.payload.kind === 'model') {
            yield* missedText(event, written);
          }
          yield { kind: 'event', event };
          if (isRunEnd(event)) return;
        }
        if (events.length === pageSize || notified) continue;
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
      options.signal.removeEventListener('abort', onAbort);
    }
  }
  return { follow, close };
}

/** The part of a model step's reasoning and text that no live delta carried. */
function* missedText(event: StoredEvent, written: Map<string, number>): Generator<RunUpdate> {
  const stepIndex = Number(event.payload.index ?? 0);
  for (const kind of ['reasoning', 'text'] as const) {
    const full = event.payload[kind];
    if (typeof full !== 'string') continue;
    const rest = full.slice(written.get(`${kind}:${stepIndex}`) ?? 0);
    if (rest) yield { kind, stepIndex, text: rest };
  }
}

/** The sequence number of the run's newest stored event (0 when it has none). */
export async function lastRunEventSeq(
  services: Pick<Services, 'database'>,
  orgId: string,
  runId: string,
): Promise<number> {
  let cursor = 0;
  for (;;) {
    const events = await readEvents(services.database, { orgId, runId, afterSeq: cursor, limit: pageSize });
    cursor = events.at(-1)?.seq ?? cursor;
    if (events.length < pageSize) return cursor;
  }
}
