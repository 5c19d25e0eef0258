import { afterEach, describe, expect, it } from 'vitest';
import { isColonyError } from '../errors/index.js';
import { createManualClock } from '../kernel/index.js';
import { testDialects } from '../storage/test-support/databases.js';
import { addMemory } from './memories.js';
import { createMemoryTools } from './memory-tools.js';
import { createConversation } from './test-support/conversations.js';
import { createMemoryTestServices, type MemoryTestServices } from './test-support/memory-test-services.js';
import { createInProcessWorkingMemory } from './working-memory.js';

describe.each(testDialects)('memory tools on %s', (dialect) => {
  let test: MemoryTestServices | undefined;
  afterEach(async () => {
    await test?.cleanup();
    test = undefined;
  });

  it('remember, recall, update_memory and forget act within the run’s scopes', async () => {
    test = await createMemoryTestServices(dialect);
    const user = await test.createUser();
    const services = test.context(user).services;
    const { agentId, conversationId } = await createConversation(services, user);
    const tools = createMemoryTools(services, async () => ({ agentId, conversationId, userId: user.id }));
    const toolContext = {
      signal: new AbortController().signal,
      now: () => test?.clock.now() ?? 0,
      orgId: user.orgId,
      runId: 'run_1',
      toolCallId: 'call_1',
      taskId: null,
      agentId: 'agt_1',
      chatId: 'chat_1',
      createdBy: null,
      httpEndpoints: {},
    };
    const stored = await tools.remember.execute(
      { content: 'The user is training for a triathlon', type: 'goal' },
      toolContext,
    );
    expect(stored.action).toBe('created');
    const recalled = await tools.recall.execute({ query: 'triathlon training' }, toolContext);
    expect(recalled.memories[0]?.id).toBe(stored.memoryId);
    expect(recalled.memories[0]?.why).not.toBe('');
    const updated = await tools.update_memory.execute(
      { memoryId: stored.memoryId, content: 'The user is training for an Ironman triathlon' },
      toolContext,
    );
    expect(updated.action).toBe('superseded');
    const pinned = await tools.update_memory.execute(
      { memoryId: updated.memoryId, pinned: true, reason: 'asked to keep' },
      toolContext,
    );
    expect(pinned.action).toBe('updated');
    await tools.forget.execute({ memoryId: updated.memoryId }, toolContext);
    // Every write the tools made is audited in its transaction, as the HTTP routes' writes are.
    const audits = await services.database.db
      .selectFrom('audit_log')
      .select(['action', 'resource_id', 'details'])
      .where('org_id', '=', user.orgId)
      .where('action', 'like', 'memory.%')
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    expect(audits.map((row) => [row.action, row.resource_id, JSON.parse(row.details).outcome])).toEqual([
      ['memory.create', stored.memoryId, 'created'],
      ['memory.update', updated.memoryId, 'superseded'],
      ['memory.update', updated.memoryId, 'updated'],
      ['memory.delete', updated.memoryId, undefined],
    ]);
    expect((await tools.recall.execute({ query: 'Ironman triathlon' }, toolContext)).memories).toEqual([]);
    const stranger = await test.createUser(user.orgId);
    const foreign = await addMemory(test.context(stranger), {
      scope: { kind: 'user', id: stranger.id },
      type: 'semantic',
      content: 'Private to another user',
    });
    await expect(tools.forget.execute({ memoryId: foreign.memory.id }, toolContext)).rejects.toSatisfy(
      (error) => isColonyError(error, 'not_found'),
    );
  });
});

describe('in-process working memory', () => {
  it('expires entries, evicts the least recently used and keeps chats apart', async () => {
    const clock = createManualClock();
    const memory = createInProcessWorkingMemory({ maxEntries: 2, defaultTtlMs: 1000, clock });
    await memory.set('chat_a', 'plan', { step: 1 });
    await memory.set('chat_b', 'plan', { step: 9 }, { ttlMs: 5000 });
    expect(await memory.get('chat_a', 'plan')).toEqual({ step: 1 });
    await memory.set('chat_a', 'note', 'x');
    expect(await memory.get('chat_b', 'plan')).toBeUndefined(); // evicted: least recently used
    clock.advance(1001);
    expect(await memory.get('chat_a', 'plan')).toBeUndefined();
    expect(await memory.keys('chat_a')).toEqual([]);
    await memory.set('chat_a', 'k', 1);
    expect(await memory.delete('chat_a', 'k')).toBe(true);
  });
});
