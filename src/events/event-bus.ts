import { EventEmitter } from 'node:events';
import type { StoredEvent } from './types.js';

/** A live-only event (text deltas): fanned out to listeners, never stored, never replayed. */
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
 * In-process fan-out. Buses only wake readers: stored events are always re-read from the
 * database by sequence, so a lost notification delays a reader and never loses an event.
 */
export interface EventBus {
  publish(events: readonly StoredEvent[]): void;
  publishLive(event: LiveEvent): void;
  onStored(listener: (events: readonly StoredEvent[]) => void): () => void;
  onLive(listener: (event: LiveEvent) => void): () => void;
}

export function createEventBus(): EventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    publish(events) {
      if (events.length > 0) emitter.emit('stored', events);
    },
    publishLive(event) {
      emitter.emit('live', event);
    },
    onStored(listener) {
      emitter.on('stored', listener);
      return () => emitter.off('stored', listener);
    },
    onLive(listener) {
      emitter.on('live', listener);
      return () => emitter.off('live', listener);
    },
  };
}
