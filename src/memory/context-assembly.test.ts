import { afterEach, describe, expect, it } from 'vitest';
import { systemActor } from '../context/index.js';
import { maxChatMessageChars } from '../kernel/index.js';
import { testDialects } from '../storage/test-support/databases.js';
import { assembleMemoryContext } from './context-assembly.js';
import { addMemory } from './memories.js';
import { createConversation } from './test-support/conversations.js';
import { createMemoryTestServices, type MemoryTestServices } from './test-support/memory-test-services.js';

describe.each(testDialects)('memory context for a long turn on %s', (dialect) => {
  let test: MemoryTestServices | undefined;
  afterEach(async () => {
    await test?.cleanup();
    test = undefined;
  });

  it('searches a message longer than a query by its key terms and finds what it is about', async () => {
    test = await createMemoryTestServices(dialect);
    const user = await test.createUser();
    const context = test.context(systemActor(user.orgId));
    const { agentId, conversationId } = await createConversation(context.services, user);
    const scope = { kind: 'user' as const, id: user.id };
    const fact = await addMemory(context, {
      scope,
      type: 'semantic',
      content: 'The kayak rental closes at dusk.',
    });
    await addMemory(context, { scope, type: 'semantic', content: 'The user’s sister is called Priya.' });
    const paste = 'Planning notes: kayak rental, kayak paddles, kayak rental hours. ';
    const query = paste.repeat(Math.ceil(maxChatMessageChars / paste.length)).slice(0, maxChatMessageChars);

    const block = await assembleMemoryContext(context, {
      agentId,
      conversationId,
      userId: user.id,
      query,
      tokenBudget: 200,
      limit: 1,
    });
    expect(block.retrieved.map((hit) => hit.memory.id)).toEqual([fact.memory.id]);
    expect(block.text).toContain('kayak rental closes');
  });
});
