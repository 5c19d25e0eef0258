import { afterEach, describe, expect, it } from 'vitest';
import { systemActor } from '../context/index.js';
import { testDialects } from '../storage/test-support/databases.js';
import { assembleMemoryContext } from './context-assembly.js';
import { addMemory, getMemory } from './memories.js';
import { searchMemories } from './search.js';
import { createMemoryTestServices, type MemoryTestServices } from './test-support/memory-test-services.js';

describe.each(testDialects)('memory use counting on %s', (dialect) => {
  let test: MemoryTestServices | undefined;
  afterEach(async () => {
    await test?.cleanup();
    test = undefined;
  });

  async function setup() {
    test = await createMemoryTestServices(dialect);
    const services = test;
    const actor = await services.createUser();
    const context = services.context(actor);
    const scope = { kind: 'org' as const, id: actor.orgId };
    const ids: string[] = [];
    for (const content of [
      'The deploy window is Tuesday morning',
      'The deploy needs two approvals',
      'Deploy freezes start in December',
      'The staging deploy runs nightly',
    ]) {
      ids.push((await addMemory(context, { scope, type: 'semantic', content })).memory.id);
    }
    const count = async (id: string) => (await getMemory(context, id)).accessCount;
    return { services, context, scope, ids, count };
  }

  it('counts nothing on search, so asking twice ranks the same', async () => {
    const { services, context, scope, ids, count } = await setup();
    // Frequency is the only signal besides relevance here: any counted search would reorder.
    const ask = () =>
      searchMemories(context, {
        query: 'when is the deploy?',
        scopes: [scope],
        limit: 2,
        weights: { frequency: 5 },
      });
    const first = await ask();
    await services.runtime.access.flush();
    const second = await ask();
    expect(second.map((hit) => [hit.memory.id, hit.score])).toEqual(
      first.map((hit) => [hit.memory.id, hit.score]),
    );
    for (const id of ids) expect(await count(id)).toBe(0);
  });

  it('counts an explicit read and a use in a prompt', async () => {
    const { services, context, ids, count } = await setup();
    const [read] = ids;
    if (!read) throw new Error('no memory');
    await getMemory(context, read, { countAccess: true });
    // The runtime assembles a turn's memories as Colony itself, for the run's agent and chat.
    const block = await assembleMemoryContext(services.context(systemActor(context.actor.orgId)), {
      agentId: 'agt_none',
      conversationId: 'chat_none',
      query: 'deploy approvals',
      tokenBudget: 2000,
      limit: 2,
    });
    await services.runtime.access.flush();
    expect(await count(read)).toBe(block.retrieved.some((hit) => hit.memory.id === read) ? 2 : 1);
    const used = block.retrieved.map((hit) => hit.memory.id);
    expect(used).toHaveLength(2);
    for (const id of ids) {
      const expected = (id === read ? 1 : 0) + (used.includes(id) ? 1 : 0);
      expect(await count(id)).toBe(expected);
    }
  });
});
