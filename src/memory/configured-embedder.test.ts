import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../context/index.js';
import { testDialects } from '../storage/test-support/databases.js';
import { createConfiguredEmbedder } from './configured-embedder.js';
import { importMemories } from './import.js';
import { addMemory } from './memories.js';
import { createOfflineEmbedder } from './offline-embedder.js';
import { ensureReembedTasks, reembedMemories } from './reembed.js';
import { createMemoryRuntime } from './runtime.js';
import { searchMemories } from './search.js';
import { createMemoryTestServices, type MemoryTestServices } from './test-support/memory-test-services.js';

/**
 * A server speaking OpenAI's `POST /v1/embeddings`: 8 dimensions, one per topic word, so
 * "automobile" and "car" share a dimension (a meaning the offline hashing embedder cannot see).
 */
const topics = [['car', 'automobile', 'vehicle'], ['cat', 'kitten'], ['tea'], ['rain', 'weather']];
function vectorOf(text: string): number[] {
  const lower = text.toLowerCase();
  const vector = topics.map((words) => (words.some((word) => lower.includes(word)) ? 1 : 0));
  return [...vector, 0.1, 0, 0, 0];
}

describe('configured embedders', () => {
  let server: Server;
  let baseUrl: string;
  const requests: Array<{ authorization?: string | undefined; model: string; input: string[] }> = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on('end', () => {
        const parsed = JSON.parse(body) as { model: string; input: string[] };
        requests.push({ authorization: request.headers.authorization, ...parsed });
        response.setHeader('content-type', 'application/json');
        response.end(
          JSON.stringify({
            object: 'list',
            model: parsed.model,
            data: parsed.input.map((text, index) => ({
              object: 'embedding',
              index,
              embedding: vectorOf(text),
            })),
            usage: { prompt_tokens: parsed.input.length, total_tokens: parsed.input.length },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('speaks the OpenAI embeddings API for openai: and openai-compatible: models', async () => {
    const compatible = createConfiguredEmbedder({
      embeddingModel: 'openai-compatible:topic-embed',
      embeddingBaseUrl: baseUrl,
      embeddingApiKey: 'local-key',
      embeddingDimensions: 8,
    });
    expect(compatible).toMatchObject({
      modelId: 'openai-compatible:topic-embed',
      dimensions: 8,
      sparse: false,
    });
    const [vector] = await compatible.embed(['My automobile is blue']);
    expect(vector?.[0]).toBeGreaterThan(0.9);
    expect(requests.at(-1)).toMatchObject({ authorization: 'Bearer local-key', model: 'topic-embed' });
    const openai = createConfiguredEmbedder(
      { embeddingModel: 'openai:text-embedding-3-small', embeddingDimensions: 8 },
      { openai: { apiKey: 'sk-test', baseUrl } },
    );
    await openai.embed(['rain']);
    expect(requests.at(-1)).toMatchObject({
      authorization: 'Bearer sk-test',
      model: 'text-embedding-3-small',
    });
    const wrongSize = createConfiguredEmbedder({
      embeddingModel: 'openai-compatible:topic-embed',
      embeddingBaseUrl: baseUrl,
      embeddingDimensions: 16,
    });
    await expect(wrongSize.embed(['tea'])).rejects.toMatchObject({ code: 'unavailable' });
    expect(createConfiguredEmbedder({ embeddingModel: 'offline' }).modelId).toBe('offline:hash-512');
    expect(() => createConfiguredEmbedder({ embeddingModel: 'openai:custom-model' }, {})).toThrow(
      /DIMENSIONS/,
    );
  });

  describe.each(testDialects)('on %s', (dialect) => {
    let test: MemoryTestServices | undefined;
    afterEach(async () => {
      await test?.cleanup();
      test = undefined;
    });

    it('finds by meaning with a real embedder, and never compares vectors of another model', async () => {
      // Memories written by the offline embedder first, then the model changes.
      const offline = await createMemoryTestServices(dialect, { embedder: createOfflineEmbedder() });
      const user = await offline.createUser();
      const scope = { kind: 'user' as const, id: user.id };
      await importMemories(offline.context(user), [
        { scope, type: 'semantic', content: 'The user drives a red car to work' },
        { scope, type: 'semantic', content: 'The user drinks green tea' },
      ]);
      const embedder = createConfiguredEmbedder({
        embeddingModel: 'openai-compatible:topic-embed',
        embeddingBaseUrl: baseUrl,
        embeddingDimensions: 8,
      });
      test = offline;
      // The same database, a process started with the new model: a new runtime.
      const runtime = createMemoryRuntime(offline.context(user).services, { embedder });
      const context = {
        ...offline.context(user),
        services: { ...offline.context(user).services, memory: runtime },
      };
      await addMemory(context, { scope, type: 'semantic', content: 'A kitten sleeps on the windowsill' });
      const hits = await searchMemories(context, { query: 'automobile', scopes: [scope] });
      // "automobile" shares no word with the offline rows: their vectors (another model) are not
      // compared, and lexical finds nothing, so only a semantic hit of this model could match.
      expect(hits.every((hit) => !hit.memory.content.includes('car'))).toBe(true);
      const cats = await searchMemories(context, { query: 'cat', scopes: [scope] });
      expect(cats[0]?.memory.content).toBe('A kitten sleeps on the windowsill');
      expect(cats[0]?.signals.semantic).toBeGreaterThan(0.9);
      const lexical = await searchMemories(context, { query: 'green tea', scopes: [scope] });
      expect(lexical[0]?.memory).toMatchObject({
        content: 'The user drinks green tea',
        embeddingModel: 'offline:hash-512',
      });
      expect(lexical[0]?.signals.semantic).toBe(0);
      await runtime.close();
    });

    it('re-embeds older rows in committed batches with progress events, then finds them by meaning', async () => {
      test = await createMemoryTestServices(dialect, { embedder: createOfflineEmbedder() });
      const user = await test.createUser();
      const scope = { kind: 'user' as const, id: user.id };
      await importMemories(test.context(user), [
        { scope, type: 'semantic', content: 'The user drives a red car to work' },
        { scope, type: 'semantic', content: 'The user drinks green tea' },
        { scope, type: 'semantic', content: 'Rain is forecast for the weekend' },
      ]);
      const embedder = createConfiguredEmbedder({
        embeddingModel: 'openai-compatible:topic-embed',
        embeddingBaseUrl: baseUrl,
        embeddingDimensions: 8,
      });
      const runtime = createMemoryRuntime(test.context(user).services, { embedder });
      const services = { ...test.context(user).services, memory: runtime };
      const context = { ...test.context(user), services };
      try {
        expect(await ensureReembedTasks(services)).toBe(1);
        expect(await ensureReembedTasks(services)).toBe(1);
        const { db } = test.base.services.database;
        const tasks = await db
          .selectFrom('task')
          .select('kind')
          .where('kind', '=', 'memory-reembed')
          .execute();
        expect(tasks).toHaveLength(1);
        let batches = 0;
        const report = await reembedMemories(
          { ...context, actor: systemActor(user.orgId) },
          { batchSize: 2, afterBatch: async () => void batches++ },
        );
        expect(report).toMatchObject({ model: 'openai-compatible:topic-embed', reembedded: 3 });
        expect(batches).toBe(2);
        const events = await db
          .selectFrom('event')
          .select('payload')
          .where('type', '=', 'memories-reembedded')
          .orderBy('seq')
          .execute();
        const payloads = events.map((event) =>
          typeof event.payload === 'string' ? (JSON.parse(event.payload) as unknown) : event.payload,
        );
        expect(payloads).toMatchObject([
          { count: 2, remaining: 1 },
          { count: 1, remaining: 0 },
        ]);
        const hits = await searchMemories(context, { query: 'automobile', scopes: [scope] });
        expect(hits[0]?.memory).toMatchObject({
          content: 'The user drives a red car to work',
          embeddingModel: 'openai-compatible:topic-embed',
        });
        expect(hits[0]?.signals.semantic).toBeGreaterThan(0.9);
        expect((await reembedMemories({ ...context, actor: systemActor(user.orgId) })).reembedded).toBe(0);
      } finally {
        await runtime.close();
      }
    });
  });
});
