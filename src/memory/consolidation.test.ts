import { MockLanguageModelV3 } from 'ai/test';
import { afterEach, describe, expect, it } from 'vitest';
import { testDialects } from '../storage/test-support/databases.js';
import { consolidateMemories } from './consolidation.js';
import { importMemories } from './import.js';
import { getMemory, memoryHistory } from './memories.js';
import { createMemoryTestServices, type MemoryTestServices } from './test-support/memory-test-services.js';

const day = 86_400_000;

describe.each(testDialects)('consolidation on %s', (dialect) => {
  let test: MemoryTestServices | undefined;
  afterEach(async () => {
    await test?.cleanup();
    test = undefined;
  });

  it('merges near duplicates, decays, prunes by policy and reflects with a real model — all logged', async () => {
    test = await createMemoryTestServices(dialect);
    const user = await test.createUser();
    const context = test.context(user);
    const scope = { kind: 'user' as const, id: user.id };
    // importMemories skips near-duplicate checks, so near duplicates can exist side by side.
    await importMemories(context, [
      { scope, type: 'semantic', content: 'The user drinks oat milk lattes every morning', importance: 0.5 },
      {
        scope,
        type: 'semantic',
        content: 'The user drinks oat milk lattes every single morning',
        importance: 0.8,
      },
      {
        scope,
        type: 'semantic',
        content: 'The user once mentioned a trivia fact about ferrets',
        importance: 0.05,
      },
      { scope, type: 'episodic', content: 'user: hello there', importance: 0.05 },
      { scope, type: 'goal', content: 'The user needs to file taxes', importance: 0.7, pinned: true },
    ]);
    test.clock.advance(100 * day);
    const insights = { insights: [{ content: 'The user has strong morning routines.', importance: 0.6 }] };
    const model = new MockLanguageModelV3({
      doGenerate: async () => ({
        content: [{ type: 'text', text: JSON.stringify(insights) }],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: {
          inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
          outputTokens: { total: 1, text: 1, reasoning: 0 },
        },
        warnings: [],
      }),
    });
    const report = await consolidateMemories(context, { scope, model });
    expect(report).toMatchObject({ examined: 5, merged: 1, pruned: 1, reflections: 1 });
    expect(report.decayed).toBe(1); // the kept latte memory; pinned goals never decay, the turn is at the floor
    const logs = await test.base.services.database.db
      .selectFrom('memory_log')
      .select(['action', 'memory_id'])
      .execute();
    const actions = logs.map((log) => log.action).sort();
    expect(actions.filter((action) => action === 'merge')).toHaveLength(2);
    expect(actions).toContain('prune');
    expect(actions).toContain('decay');
    const merged = logs.find((log) => log.action === 'merge');
    const history = await memoryHistory(context, merged?.memory_id ?? '');
    expect(history.chain).toHaveLength(2);
    const kept = history.chain.find((memory) => memory.supersededBy === null);
    expect(kept && (await getMemory(context, kept.id)).importance).toBeCloseTo(0.72);
  });
});
