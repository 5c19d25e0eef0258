import { afterEach, describe, expect, it } from 'vitest';
import { systemActor } from '../context/index.js';
import { testDialects } from '../storage/test-support/databases.js';
import { extractMemories } from './extraction.js';
import { addMemory, getMemory } from './memories.js';
import { searchMemories } from './search.js';
import { createMemoryTestServices, type MemoryTestServices } from './test-support/memory-test-services.js';

const day = 86_400_000;
const filler = (index: number) => ({
  id: `m${index}`,
  role: index % 2 === 0 ? ('user' as const) : ('assistant' as const),
  content:
    index % 2 === 0
      ? `Can you check the parser logs, part ${index}?`
      : `The parser looks fine, part ${index}.`,
});

describe.each(testDialects)('memory time and neighbouring turns on %s', (dialect) => {
  let test: MemoryTestServices | undefined;
  afterEach(async () => {
    await test?.cleanup();
    test = undefined;
  });

  async function setup() {
    test = await createMemoryTestServices(dialect);
    const { orgId } = await test.base.createOrg();
    const context = test.context(systemActor(orgId));
    const scopes = {
      turns: { kind: 'chat' as const, id: 'chat_1' },
      facts: { kind: 'user' as const, id: 'usr_1' },
    };
    return { services: test, context, scopes };
  }

  it('links each turn to the one before, across extraction batches', async () => {
    const { context, scopes } = await setup();
    const messages = [0, 1, 2, 3, 4].map(filler);
    const first = await extractMemories(context, {
      conversationId: 'chat_1',
      messages: messages.slice(0, 3),
      scopes,
    });
    const second = await extractMemories(context, {
      conversationId: 'chat_1',
      messages: messages.slice(3),
      scopes,
    });
    const turns = [...first.results, ...second.results].map((result) => result.memory);
    expect(turns.map((memory) => memory.previousTurnId)).toEqual([
      null,
      ...turns.slice(0, 4).map((m) => m.id),
    ]);
    const again = await extractMemories(context, { conversationId: 'chat_1', messages, scopes });
    expect(again.created).toBe(0);
  });

  it('returns the reply next to the matching turn, within the same limit', async () => {
    const { context, scopes } = await setup();
    const messages = [
      ...[0, 1, 2, 3].map(filler),
      { id: 'ask', role: 'assistant' as const, content: 'How was the planetarium with your nephews?' },
      { id: 'reply', role: 'user' as const, content: 'They were awestruck and did not want to leave.' },
      ...[6, 7, 8, 9].map(filler),
    ];
    await extractMemories(context, { conversationId: 'chat_1', messages, scopes });
    const query = 'How did my nephews like the planetarium?';
    const sources = async (neighbourTurns: boolean) =>
      (await searchMemories(context, { query, scopes: [scopes.turns], limit: 3, neighbourTurns })).map(
        (hit) => hit.memory.sourceMessageIds[0],
      );
    expect(await sources(false)).not.toContain('reply');
    const windowed = await searchMemories(context, { query, scopes: [scopes.turns], limit: 3 });
    expect(windowed).toHaveLength(3);
    expect(windowed.map((hit) => hit.memory.sourceMessageIds[0]).slice(0, 2)).toEqual(['ask', 'reply']);
    expect(windowed[1]?.why).toBe(`the turn next to ${windowed[0]?.memory.id}, which matched`);
  });

  it('keeps when it happened apart from when it was recorded', async () => {
    const { services, context } = await setup();
    const scope = { kind: 'org' as const, id: context.actor.orgId };
    const happened = Date.UTC(2023, 4, 14);
    const { memory } = await addMemory(context, {
      scope,
      type: 'semantic',
      content: 'The roof was repaired',
      occurredAt: happened,
    });
    expect(memory.occurredAt).toBe(happened);
    expect(memory.createdAt).toBe(services.clock.now());
    const stored = await getMemory(context, memory.id);
    expect([stored.occurredAt, stored.createdAt]).toEqual([happened, services.clock.now()]);
    const plain = await addMemory(context, { scope, type: 'semantic', content: 'The gutter is blocked' });
    expect(plain.memory.occurredAt).toBe(plain.memory.createdAt);
  });

  it('dates turns and facts by the message, resolving relative dates', async () => {
    const { services, context, scopes } = await setup();
    const at = Date.UTC(2023, 4, 15, 18);
    const result = await extractMemories(context, {
      conversationId: 'chat_1',
      messages: [
        { id: 'plain', role: 'user', content: 'Can you check the parser?', at },
        { id: 'dated', role: 'user', content: "My sister's party was yesterday.", at },
      ],
      scopes,
    });
    const byContent = new Map(result.results.map((entry) => [entry.memory.content, entry.memory]));
    expect(byContent.get('user: Can you check the parser?')?.occurredAt).toBe(at);
    expect(byContent.get("user: My sister's party was yesterday.")?.occurredAt).toBe(at - day);
    const fact = result.results.find((entry) => entry.memory.type !== 'episodic')?.memory;
    expect(fact?.content).toBe("The user's sister's party was yesterday (14 May 2023).");
    expect(fact?.occurredAt).toBe(at - day);
    expect(fact?.createdAt).toBe(services.clock.now());
  });

  it('boosts memories of the period a query names, and filters by occurredFrom/To', async () => {
    const { context } = await setup();
    const scope = { kind: 'org' as const, id: context.actor.orgId };
    const races = [
      ['I ran the Lisbon half marathon', Date.UTC(2023, 4, 14)],
      ['I ran the Porto half marathon', Date.UTC(2023, 5, 20)],
      ['I ran the Ghent half marathon', Date.UTC(2022, 8, 2)],
    ] as const;
    for (const [content, occurredAt] of races) {
      await addMemory(context, { scope, type: 'episodic', content, occurredAt });
    }
    const top = async (query: string, extra: { occurredFrom?: number; occurredTo?: number } = {}) =>
      (await searchMemories(context, { query, scopes: [scope], limit: 3, ...extra })).map(
        (hit) => hit.memory.content,
      );
    expect((await top('Which half marathon did I run in May 2023?'))[0]).toBe(races[0][0]);
    expect((await top('Which half marathon did I run in June 2023?'))[0]).toBe(races[1][0]);
    expect((await top('Which half marathon did I run in 2022?'))[0]).toBe(races[2][0]);
    expect(
      await top('half marathon', { occurredFrom: Date.UTC(2023, 0, 1), occurredTo: Date.UTC(2023, 5, 1) }),
    ).toEqual([races[0][0]]);
  });
});
