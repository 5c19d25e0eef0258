import { afterEach, describe, expect, it } from 'vitest';
import { isColonyError } from '../errors/index.js';
import { testDialects } from '../storage/test-support/databases.js';
import { addMemory, deleteMemory, getMemory, memoryHistory, updateMemory } from './memories.js';
import { searchMemories } from './search.js';
import { createMemoryTestServices, type MemoryTestServices } from './test-support/memory-test-services.js';

describe.each(testDialects)('memories on %s', (dialect) => {
  let test: MemoryTestServices | undefined;
  afterEach(async () => {
    await test?.cleanup();
    test = undefined;
  });

  /** Fresh services, a user, that user's context and user scope. */
  async function userSetup() {
    const services = await createMemoryTestServices(dialect);
    test = services;
    const user = await services.createUser();
    return { services, user, context: services.context(user), scope: { kind: 'user' as const, id: user.id } };
  }

  it('adds, finds with five signals and explains why', async () => {
    const { services, context, scope } = await userSetup();
    const created = await addMemory(context, {
      scope,
      type: 'preference',
      content: 'The user prefers Neovim as their code editor',
      importance: 0.7,
      tags: ['tools'],
    });
    expect(created.action).toBe('created');
    await addMemory(context, { scope, type: 'semantic', content: 'The user has a cat named Miso' });
    await addMemory(context, { scope, type: 'episodic', content: 'We talked about the weather in Lisbon' });
    const hits = await searchMemories(context, {
      query: 'which editor does the user like?',
      scopes: [scope],
      limit: 3,
    });
    expect(hits[0]?.memory.id).toBe(created.memory.id);
    expect(hits[0]?.memory.tags).toEqual(['tools']);
    expect(hits[0]?.signals.semantic).toBeGreaterThan(0);
    expect(hits[0]?.signals.lexical).toBeGreaterThan(0.5);
    expect(hits[0]?.why).toMatch(/editor/);
    const typed = await searchMemories(context, {
      query: 'cat',
      scopes: [scope],
      types: ['episodic'],
      limit: 3,
    });
    expect(typed.every((hit) => hit.memory.type === 'episodic')).toBe(true);
    const tagged = await searchMemories(context, {
      query: 'user',
      scopes: [scope],
      tags: ['tools'],
      limit: 5,
    });
    expect(tagged.map((hit) => hit.memory.id)).toEqual([created.memory.id]);
    await services.runtime.access.flush();
    expect((await getMemory(context, created.memory.id)).accessCount).toBe(0);
  });

  it('folds exact duplicates, supersedes near duplicates and contradictions', async () => {
    const { context, scope } = await userSetup();
    const first = await addMemory(context, {
      scope,
      type: 'semantic',
      content: 'My favorite color is teal.',
      importance: 0.4,
    });
    const again = await addMemory(context, {
      scope,
      type: 'semantic',
      content: '  my favorite color is TEAL. ',
      importance: 0.9,
      tags: ['color'],
    });
    expect(again.action).toBe('duplicate');
    expect(again.memory.id).toBe(first.memory.id);
    expect(again.memory.importance).toBe(0.9);
    expect(again.memory.tags).toEqual(['color']);

    const changed = await addMemory(context, {
      scope,
      type: 'semantic',
      content: 'My favorite color is orange.',
    });
    expect(changed.action).toBe('superseded');
    expect(changed.superseded?.id).toBe(first.memory.id);
    const old = await getMemory(context, first.memory.id);
    expect(old.supersededBy).toBe(changed.memory.id);
    expect(old.validTo).not.toBeNull();
    const hits = await searchMemories(context, { query: 'favorite color', scopes: [scope], limit: 5 });
    expect(hits.map((hit) => hit.memory.id)).toEqual([changed.memory.id]);
    const all = await searchMemories(context, {
      query: 'favorite color',
      scopes: [scope],
      limit: 5,
      includeInvalid: true,
    });
    expect(all.map((hit) => hit.memory.id).sort()).toEqual([first.memory.id, changed.memory.id].sort());

    const history = await memoryHistory(context, changed.memory.id);
    expect(history.chain.map((memory) => memory.id)).toEqual([first.memory.id, changed.memory.id]);
    expect(history.log.map((entry) => entry.action)).toEqual(['create', 'update', 'create', 'supersede']);
  });

  it('updates content by superseding and deletes softly, logging both', async () => {
    const { context, scope } = await userSetup();
    const created = await addMemory(context, {
      scope,
      type: 'goal',
      content: 'Ship the billing export by Friday',
    });
    const updated = await updateMemory(context, created.memory.id, {
      content: 'Ship the billing export by Monday',
      reason: 'deadline moved',
    });
    expect(updated.action).toBe('superseded');
    expect(updated.superseded?.id).toBe(created.memory.id);
    const pinned = await updateMemory(context, updated.memory.id, { pinned: true, importance: 0.9 });
    expect(pinned.memory.pinned).toBe(true);
    await deleteMemory(context, updated.memory.id, { reason: 'done' });
    await expect(getMemory(context, updated.memory.id)).rejects.toSatisfy((error) =>
      isColonyError(error, 'not_found'),
    );
    const hits = await searchMemories(context, {
      query: 'billing export',
      scopes: [scope],
      limit: 5,
      includeInvalid: true,
    });
    expect(hits.map((hit) => hit.memory.id)).toEqual([created.memory.id]);
    const history = await memoryHistory(context, created.memory.id);
    expect(history.log.map((entry) => entry.action)).toEqual([
      'create',
      'create',
      'supersede',
      'update',
      'delete',
    ]);
    expect(history.log.find((entry) => entry.action === 'delete')?.reason).toBe('done');
  });
});
