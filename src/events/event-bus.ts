import { EventEmitter } from 'node:events';
import type { StoredEvent } from './types.js';

/**
 * A live-only event: a model's text or reasoning as it is written. Never stored; the step's
 * stored `run-step-end` carries the whole text, so a reader that missed deltas loses nothing.
 */
export interface LiveEvent {
  type: 'run-text-delta' | 'run-reasoning-delta';
  orgId: string;
  runId: string | null;
  conversationId: string | null;
  payload: { stepIndex: number; delta: string };
}

/**
 * That events were committed, and where: enough for a reader to decide to re-read the log. A
 * stored event is one; another process's commits arrive as notices only (events/nats-fan-out.ts).
 */
export type EventNotice = Pick<
  StoredEvent,
  'seq' | 'type' | 'orgId' | 'runId' | 'conversationId' | 'subjectId'
>;

/** `local`: published by this process; `remote`: relayed from another process. */
export type EventOrigin = 'local' | 'remote';

/**
 * In-process fan-out. Buses only wake readers: stored events are always re-read from the
 * database by sequence, so a lost notification delays a reader and never loses an event.
 */
export interface EventBus {
  /** How often a waiting reader re-reads the log without a notice (`eventPollMs`). */
  readonly readerPollMs: number;
  /** This process committed `events`: `onStored` and `onNotice` listeners hear them. */
  publish(events: readonly StoredEvent[]): void;
  /** Another process committed these: only `onNotice` listeners hear them. */
  publishNotices(notices: readonly EventNotice[]): void;
  publishLive(event: LiveEvent, origin?: EventOrigin): void;
  /** Events this process committed, whole (metrics, the fan-out to other processes). */
  onStored(listener: (events: readonly StoredEvent[]) => void): () => void;
  /** Commits of this process and of others: for readers that wake up and re-read the log. */
  onNotice(listener: (notices: readonly EventNotice[]) => void): () => void;
  onLive(listener: (event: LiveEvent, origin: EventOrigin) => void): () => void;
}

export function createEventBus(options: { readerPollMs?: number } = {}): EventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  // biome-ignore lint/suspicious/noExplicitAny: EventEmitter's own listener type; callers are typed by EventBus.
  const listen = (name: string, listener: (...args: any[]) => void) => {
    emitter.on(name, listener);
    return () => {
      emitter.off(name, listener);
    };
  };
  return {
    readerPollMs: options.readerPollMs ?? 1000,
    publish(events) {
      if (events.length === 0) return;
      emitter.emit('stored', events);
      emitter.emit('notice', events);
    },
    publishNotices(notices) {
      if (notices.length > 0) emitter.emit('notice', notices);
    },
    publishLive(event, origin = 'local') {
      emitter.emit('live', event, origin);
    },
    onStored: (listener) => listen('stored', listener),
    onNotice: (listener) => listen('notice', listener),
    onLive: (listener) => listen('live', listener),
  };
}
