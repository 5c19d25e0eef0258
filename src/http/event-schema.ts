import { z } from '@hono/zod-openapi';
import { type EventType, eventCatalog } from '../events/index.js';

/** One member of `StoredEvent`: the envelope with `type` fixed and the catalog's payload. */
function storedEventOf<T extends EventType>(type: T) {
  return z.object({
    seq: z.number().int().openapi({ description: 'Global sequence number; the SSE `id`' }),
    id: z.string(),
    orgId: z.string(),
    type: z.literal(type),
    runId: z.string().nullable(),
    conversationId: z.string().nullable(),
    subjectId: z.string().nullable(),
    payload: eventCatalog[type],
    createdAt: z.number().int(),
  });
}

const members = (Object.keys(eventCatalog) as EventType[]).map(storedEventOf);
const [first, ...rest] = members;
if (!first) throw new Error('the event catalog is empty');

/**
 * A stored event as the SSE routes send it (the `data` of each message; its `event` is `type`):
 * one `oneOf` member per catalog type, keyed by `type`, so a generated client gets typed events.
 */
export const storedEventSchema = z
  .discriminatedUnion('type', [first, ...rest])
  .openapi('StoredEvent', { description: 'A stored event; `type` selects the payload (events/catalog.ts)' });
