export { type EventPayload, type EventType, eventCatalog } from './catalog.js';
export { createEventBus, type EventBus, type LiveEvent } from './event-bus.js';
export { type EventFilter, latestEventSeq, readEvents, toStoredEvent } from './event-store.js';
export { startNatsFanOut } from './nats-fan-out.js';
export type { CatalogEvent, NewEvent, StoredEvent } from './types.js';
export { type Outbox, transact, type UnitOfWork, type UnitOfWorkGuard } from './unit-of-work.js';
