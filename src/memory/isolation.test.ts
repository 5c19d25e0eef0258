import { afterEach, describe, expect, it } from 'vitest';
import { isColonyError } from '../errors/index.js';
import { testDialects } from '../storage/test-support/databases.js';
import { addMemory, deleteMemory, getMemory, memoryHistory } from './memories.js';
import { searchMemories } from './search.js';
import { createMemoryTestServices, type MemoryTestServices } from './test-support/memory-test-services.js';

const isCode = (code: 'not_found' | 'forbidden' | 'invalid_input') => (error: unknown) =>
  isColonyError(error, code);

describe.each(testDialects)('memory isolation and input validation on %s', (dialect) => {
  let test: MemoryTestServices | undefined;
  afterEach(async () => {
    await test?.cleanup();
    test = undefined;
  });

  it('never shows a user memory to another user or another org (search, get, history, delete)', async () => {
    test = await createMemoryTestServices(dialect);
    const alice = await test.createUser();
    const bob = await test.createUser(alice.orgId);
    const mallory = await test.createUser(undefined, 'owner');
    const secret = await addMemory(test.context(alice), {
      scope: { kind: 'user', id: alice.id },
      type: 'semantic',
      content: 'Alice keeps her diary password in a blue notebook',
    });
    const id = secret.memory.id;
    for (const other of [bob, mallory]) {
      const context = test.context(other);
      await expect(
        searchMemories(context, {
          query: 'diary password notebook',
          scopes: [{ kind: 'user', id: alice.id }],
        }),
        // Another org's user is no user of the caller's org at all (as unknown as a made-up id).
      ).rejects.toSatisfy(isCode(other === bob ? 'forbidden' : 'invalid_input'));
      const own = await searchMemories(context, {
        query: 'diary password notebook',
        scopes: [
          { kind: 'user', id: other.id },
          { kind: 'org', id: other.orgId },
        ],
      });
      expect(own).toEqual([]);
      await expect(getMemory(context, id)).rejects.toSatisfy(isCode('not_found'));
      await expect(memoryHistory(context, id)).rejects.toSatisfy(isCode('not_found'));
      await expect(deleteMemory(context, id)).rejects.toSatisfy(isCode('not_found'));
    }
    // Another org cannot even reach it through an org scope naming Alice's org.
    await expect(
      searchMemories(test.context(mallory), { query: 'diary', scopes: [{ kind: 'org', id: alice.orgId }] }),
    ).rejects.toSatisfy(isCode('forbidden'));
    expect((await getMemory(test.context(alice), id)).deletedAt).toBeNull();
    const viewer = { ...alice, role: 'viewer' as const };
    await expect(
      addMemory(test.context(viewer), {
        scope: { kind: 'user', id: alice.id },
        type: 'semantic',
        content: 'x',
      }),
    ).rejects.toSatisfy(isCode('forbidden'));
  });

  it('rejects oversize content and unknown types naming the field', async () => {
    test = await createMemoryTestServices(dialect);
    const alice = await test.createUser();
    const context = test.context(alice);
    const scope = { kind: 'user' as const, id: alice.id };
    const oversize = await addMemory(context, { scope, type: 'semantic', content: 'x'.repeat(8001) }).catch(
      (error: unknown) => error,
    );
    expect(isColonyError(oversize, 'invalid_input')).toBe(true);
    expect(JSON.stringify((oversize as { details?: unknown }).details)).toContain('"path":"content"');
    const unknownType = await addMemory(context, {
      scope,
      type: 'gossip' as 'semantic',
      content: 'hello',
    }).catch((error: unknown) => error);
    expect(isColonyError(unknownType, 'invalid_input')).toBe(true);
    expect((unknownType as Error).message).toMatch(/^type:/);
    await expect(
      addMemory(context, {
        scope,
        type: 'semantic',
        content: 'ok',
        tags: Array.from({ length: 21 }, (_, i) => `t${i}`),
      }),
    ).rejects.toSatisfy(isCode('invalid_input'));
    await expect(
      addMemory(context, { scope, type: 'semantic', content: 'ok', importance: 2 }),
    ).rejects.toSatisfy(isCode('invalid_input'));
  });

  it.each(['after-insert', 'after-index', 'after-tags', 'after-log', 'before-commit'] as const)(
    'leaves nothing behind when a write fails %s',
    async (stage) => {
      test = await createMemoryTestServices(dialect);
      const alice = await test.createUser();
      const context = test.context(alice);
      const scope = { kind: 'user' as const, id: alice.id };
      const kept = await addMemory(context, {
        scope,
        type: 'preference',
        content: 'My favorite tea is sencha.',
      });
      test.runtime.faultInjector = (at) => {
        if (at === stage) throw new Error(`injected failure ${at}`);
      };
      await expect(
        addMemory(context, {
          scope,
          type: 'preference',
          content: 'My favorite tea is oolong.',
          tags: ['tea'],
        }),
      ).rejects.toThrow(/injected failure/);
      test.runtime.faultInjector = null;
      const { db } = test.base.services.database;
      const count = async (table: 'memory' | 'memory_tag' | 'memory_log' | 'event') =>
        Number(
          (
            await db
              .selectFrom(table)
              .select((b) => b.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      expect(await count('memory')).toBe(1);
      expect(await count('memory_tag')).toBe(0);
      expect(await count('memory_log')).toBe(1);
      expect(await count('event')).toBe(1);
      const still = await getMemory(context, kept.memory.id);
      expect(still.supersededBy).toBeNull();
      const hits = await searchMemories(context, {
        query: 'oolong',
        scopes: [scope],
        weights: { semantic: 0 },
      });
      expect(hits).toEqual([]);
    },
  );
});
