import type { EventPayload, EventType } from './catalog.js';

/** Where an event belongs; every field but `orgId` is optional. */
interface EventPlace {
  orgId: string;
  runId?: string | null;
  conversationId?: string | null;
  subjectId?: string | null;
}

/**
 * An event to append, typed by the catalog (catalog.ts): `payload` must match the entry of
 * `type`. `NewEvent` alone is the union over every type. Types are noun-verb in kebab-case:
 * `run-started`, `tool-call-approved`.
 */
export type NewEvent<T extends EventType = EventType> = {
  [K in T]: EventPlace & { type: K; payload: EventPayload<K> };
}[T];

/** An appended event with its global, gapless-in-commit-order sequence number. */
export interface StoredEvent {
  seq: number;
  id: string;
  orgId: string;
  type: string;
  runId: string | null;
  conversationId: string | null;
  subjectId: string | null;
  payload: Record<string, unknown>;
  createdAt: number;
}

/** A stored event narrowed by the catalog: switch on `type` and `payload` is typed. */
export type CatalogEvent<T extends EventType = EventType> = {
  [K in T]: Omit<StoredEvent, 'type' | 'payload'> & { type: K; payload: EventPayload<K> };
}[T];
