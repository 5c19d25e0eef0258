import { describe, expect, it } from 'vitest';
import { createEventBus, type EventNotice, type LiveEvent } from './event-bus.js';
import type { StoredEvent } from './types.js';

const stored: StoredEvent = {
  seq: 7,
  id: 'evt_1',
  orgId: 'org_1',
  type: 'agent-created',
  runId: null,
  conversationId: null,
  subjectId: 'agt_1',
  payload: { name: 'a', version: 1 },
  createdAt: 1,
};

describe('the event bus', () => {
  it('tells notice readers of every commit, and stored listeners only of this process’s', () => {
    const bus = createEventBus({ readerPollMs: 250 });
    const whole: StoredEvent[][] = [];
    const notices: EventNotice[][] = [];
    bus.onStored((events) => whole.push([...events]));
    const off = bus.onNotice((events) => notices.push([...events]));
    bus.publish([stored]);
    bus.publishNotices([{ ...stored, seq: 8 }]);
    bus.publish([]);
    expect(whole.map((events) => events.map((event) => event.seq))).toEqual([[7]]);
    expect(notices.map((events) => events.map((event) => event.seq))).toEqual([[7], [8]]);
    off();
    bus.publishNotices([{ ...stored, seq: 9 }]);
    expect(notices).toHaveLength(2);
    expect(bus.readerPollMs).toBe(250);
  });

  it('marks live events relayed from another process as remote', () => {
    const bus = createEventBus();
    const seen: string[] = [];
    bus.onLive((event, origin) => seen.push(`${event.payload.delta}:${origin}`));
    const live: LiveEvent = {
      type: 'run-text-delta',
      orgId: 'org_1',
      runId: 'run_1',
      conversationId: 'cht_1',
      payload: { stepIndex: 0, delta: 'hi' },
    };
    bus.publishLive(live);
    bus.publishLive(live, 'remote');
    expect(seen).toEqual(['hi:local', 'hi:remote']);
    expect(bus.readerPollMs).toBe(1000);
  });
});
