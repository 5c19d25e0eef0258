import { afterEach, describe, expect, it } from 'vitest';
import { systemActor } from '../context/index.js';
import { testDialects } from '../storage/test-support/databases.js';
import { compactConversation } from './compaction.js';
import { assembleMemoryContext } from './context-assembly.js';
import { searchMemories } from './search.js';
import { appendMessages, createConversation } from './test-support/conversations.js';
import { createMemoryTestServices, type MemoryTestServices } from './test-support/memory-test-services.js';
import { plantedFactsChat } from './test-support/planted-facts.js';

describe.each(testDialects)('compaction shield on %s', (dialect) => {
  let test: MemoryTestServices | undefined;
  afterEach(async () => {
    await test?.cleanup();
    test = undefined;
  });

  it('keeps all 30 planted facts of a 2,000-turn chat recallable after every compaction', async () => {
    test = await createMemoryTestServices(dialect);
    const user = await test.createUser();
    const runtimeActor = { ...systemActor(user.orgId) };
    const context = test.context(runtimeActor);
    const services = context.services;
    const { agentId, conversationId } = await createConversation(services, user);
    const chat = plantedFactsChat(2000);
    const keepRecent = 20;
    let compactions = 0;
    for (let offset = 0; offset < chat.turns.length; offset += 100) {
      await appendMessages(services, user, conversationId, chat.turns.slice(offset, offset + 100));
      test.clock.advance(60 * 60 * 1000);
      const result = await compactConversation(context, { conversationId, keepRecent, userId: user.id });
      if (result.compacted) compactions++;
      // The shield's invariant: everything behind the cursor has its episodic memory committed.
      const episodes = await services.database.db
        .selectFrom('memory')
        .select((builder) => builder.fn.countAll<number>().as('count'))
        .where('scope_kind', '=', 'chat')
        .where('scope_id', '=', conversationId)
        .where('type', '=', 'episodic')
        .executeTakeFirstOrThrow();
      expect(Number(episodes.count)).toBe(result.cursor);
    }
    expect(compactions).toBe(20);
    const conversation = await services.database.db
      .selectFrom('conversation')
      .selectAll()
      .where('id', '=', conversationId)
      .executeTakeFirstOrThrow();
    expect(Number(conversation.message_cursor)).toBe(2000 - keepRecent);
    expect(conversation.summary.length).toBeGreaterThan(0);

    const scopes = [
      { kind: 'chat' as const, id: conversationId },
      { kind: 'user' as const, id: user.id },
    ];
    const missed: string[] = [];
    const missingFromContext: string[] = [];
    for (const fact of chat.facts) {
      const hits = await searchMemories(context, { query: fact.question, scopes, limit: 5 });
      const found = hits.some((hit) => hit.memory.content.toLowerCase().includes(fact.answer.toLowerCase()));
      if (!found) missed.push(`${fact.question} → ${hits.map((hit) => hit.memory.content).join(' | ')}`);
      const block = await assembleMemoryContext(context, {
        agentId,
        conversationId,
        userId: user.id,
        query: fact.question,
        tokenBudget: 800,
      });
      if (!block.text.toLowerCase().includes(fact.answer.toLowerCase()))
        missingFromContext.push(fact.question);
      expect(block.text.startsWith('<memory-context>')).toBe(true);
    }
    expect(missed).toEqual([]);
    expect(missingFromContext).toEqual([]);
  }, 120_000);
});
