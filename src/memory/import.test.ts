import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryShortHashes } from '../storage/migrations/0013-memory-short-hashes.js';
import { testDialects } from '../storage/test-support/databases.js';
import { importMemories } from './import.js';
import { searchMemories } from './search.js';
import { createMemoryTestServices, type MemoryTestServices } from './test-support/memory-test-services.js';
import { normalizeText } from './text.js';
import { decodeVector } from './vector-format.js';

describe.each(testDialects)('importMemories on %s', (dialect) => {
  let test: MemoryTestServices | undefined;
  afterEach(async () => {
    await test?.cleanup();
    test = undefined;
  });

  it('commits batch by batch unless atomic, and reports duplicates within one input', async () => {
    test = await createMemoryTestServices(dialect);
    const user = await test.createUser();
    const context = test.context(user);
    const scope = { kind: 'user' as const, id: user.id };
    const items = Array.from({ length: 7 }, (_, index) => ({
      scope,
      type: 'semantic' as const,
      content: `Fact ${index % 5} about the greenhouse`,
    }));
    const result = await importMemories(context, items, { batchSize: 3 });
    expect(result.created).toBe(5);
    expect(result.duplicates).toBe(2);
    expect(result.items[5]?.id).toBe(result.items[0]?.id);
    const events = await test.base.services.database.db
      .selectFrom('event')
      .select('type')
      .where('type', '=', 'memories-imported')
      .execute();
    // Batches [0 1 2] [3 4 0] [1]: the last created nothing, so it has no event.
    expect(events).toHaveLength(2);
  });

  it('keeps matching and finding memories written before short hashes and sparse vectors', async () => {
    test = await createMemoryTestServices(dialect);
    const user = await test.createUser();
    const context = test.context(user);
    const scope = { kind: 'user' as const, id: user.id };
    const content = 'The greenhouse thermostat is set to nineteen degrees';
    const [first] = (await importMemories(context, [{ scope, type: 'semantic', content }])).items;
    const { db } = test.base.services.database;
    const row = await db
      .selectFrom('memory')
      .select(['embedding'])
      .where('id', '=', first?.id ?? '')
      .executeTakeFirstOrThrow();
    expect(row.embedding?.byteLength ?? 0).toBeLessThan(512);
    // Rewrite the row as an older Colony stored it: a 64-hex hash and a dense Float32 vector.
    const dense = decodeVector(row.embedding ?? new Uint8Array());
    const legacy = Buffer.alloc(dense.length * 4);
    for (const [index, value] of dense.entries()) legacy.writeFloatLE(value, index * 4);
    const longHash = createHash('sha256').update(normalizeText(content)).digest('hex');
    await db
      .updateTable('memory')
      .set({ content_hash: longHash, embedding: legacy })
      .where('id', '=', first?.id ?? '')
      .execute();
    await memoryShortHashes.up(db, test.base.services.database.dialect);
    const again = await importMemories(context, [{ scope, type: 'semantic', content }]);
    expect(again.items).toEqual([{ id: first?.id, action: 'duplicate' }]);
    test.runtime.vectors.clear();
    const hits = await searchMemories(context, { query: 'greenhouse thermostat', scopes: [scope] });
    expect(hits[0]?.memory.id).toBe(first?.id);
    expect(hits[0]?.signals.semantic).toBeGreaterThan(0.5);
  });
});
