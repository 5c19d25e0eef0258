import { describe, expect, it } from 'vitest';
import { catalogProblems, eventCatalog, eventTypes } from './catalog.js';
import type { Outbox } from './unit-of-work.js';

/** Type-level checks: `npm run typecheck` fails when an emitter can leave the catalog. */
function emitTypedByTheCatalog(outbox: Outbox): void {
  void outbox.emit({ type: 'agent-updated', orgId: 'org_1', subjectId: 'agt_1', payload: { version: 2 } });
  // @ts-expect-error a type that is not in the catalog
  void outbox.emit({ type: 'agent-renamed', orgId: 'org_1', payload: {} });
  // @ts-expect-error a payload missing a field of its type
  void outbox.emit({ type: 'agent-updated', orgId: 'org_1', payload: {} });
  // @ts-expect-error a payload field of the wrong type
  void outbox.emit({ type: 'agent-updated', orgId: 'org_1', payload: { version: '2' } });
  // @ts-expect-error a payload field its type does not have
  void outbox.emit({ type: 'agent-deleted', orgId: 'org_1', payload: { name: 'a' } });
}

describe('the event catalog', () => {
  it('types are kebab-case noun-verb names, each with an object payload schema', () => {
    for (const type of eventTypes) {
      expect(type).toMatch(/^[a-z]+(-[a-z]+)+$/);
      expect(eventCatalog[type].safeParse('not an object').success).toBe(false);
    }
  });

  it('emit refuses at compile time exactly the events the runtime check refuses', async () => {
    const emitted: Array<{ type: string; payload: unknown }> = [];
    const outbox: Outbox = {
      async emit(...events) {
        emitted.push(...events);
        return [];
      },
      afterCommit() {},
    };
    emitTypedByTheCatalog(outbox);
    const refused = emitted.map((event) => catalogProblems(event).length > 0);
    expect(refused).toEqual([false, true, true, true, false]);
  });

  it('accepts a matching event and names what is wrong with others', () => {
    expect(catalogProblems({ type: 'agent-updated', payload: { version: 2 } })).toEqual([]);
    expect(catalogProblems({ type: 'agent-renamed', payload: {} })).toEqual([
      'agent-renamed: not in the event catalog',
    ]);
    expect(catalogProblems({ type: 'agent-updated', payload: { version: 'two' } })).toEqual([
      'agent-updated: payload.version: Invalid input: expected number, received string',
    ]);
  });
});
