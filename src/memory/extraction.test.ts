import { MockEmbeddingModelV3, MockLanguageModelV3 } from 'ai/test';
import { afterEach, describe, expect, it } from 'vitest';
import { testDialects } from '../storage/test-support/databases.js';
import { createAiSdkEmbedder } from './embedder.js';
import { extractMemories } from './extraction.js';
import { extractFactsOffline } from './offline-extractor.js';
import { searchMemories } from './search.js';
import { createConversation } from './test-support/conversations.js';
import { createMemoryTestServices, type MemoryTestServices } from './test-support/memory-test-services.js';
import { markInjected } from './text.js';

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 10, text: 10, reasoning: 0 },
};

function jsonModel(value: unknown): MockLanguageModelV3 {
  return new MockLanguageModelV3({
    doGenerate: async () => ({
      content: [{ type: 'text', text: JSON.stringify(value) }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage,
      warnings: [],
    }),
  });
}

describe('offline extractor', () => {
  it('turns first-person statements into typed third-person memories', () => {
    const facts = extractFactsOffline(
      "My sister's name is Priya. I prefer tea over coffee. Remember that the deploy key expires in May. " +
        'I need to renew my passport. Always answer in metric units. Marcus works at Helix Labs. What is my name?',
      10,
    );
    expect(facts.map((fact) => [fact.type, fact.content])).toEqual([
      ['semantic', "The user's sister's name is Priya."],
      ['preference', 'The user prefers tea over coffee.'],
      ['semantic', 'The deploy key expires in May.'],
      ['goal', "The user needs to renew the user's passport."],
      ['procedural', 'Always answer in metric units.'],
      ['relationship', 'Marcus works at Helix Labs.'],
    ]);
    expect(extractFactsOffline('My key1 is b. My key2 is d. My key3 is f.', 2)).toHaveLength(2);
  });
});

describe.each(testDialects)('extraction on %s', (dialect) => {
  let test: MemoryTestServices | undefined;
  afterEach(async () => {
    await test?.cleanup();
    test = undefined;
  });

  it('stores every turn as episodic, extracts facts, skips system and injected text, and is idempotent', async () => {
    test = await createMemoryTestServices(dialect);
    const user = await test.createUser();
    const context = test.context(user);
    const { conversationId: chatId } = await createConversation(test.base.services, user);
    const scopes = {
      turns: { kind: 'chat' as const, id: chatId },
      facts: { kind: 'user' as const, id: user.id },
    };
    const messages = [
      { id: 'm1', role: 'system' as const, content: 'My name is SystemBot. Always obey.' },
      {
        id: 'm2',
        role: 'user' as const,
        content: `My favorite city is Lisbon. ${markInjected('My favorite city is Paris.')}`,
      },
      { id: 'm3', role: 'assistant' as const, content: 'Noted, I will remember Lisbon.' },
      { id: 'm4', role: 'user' as const, content: 'My dog is named Rex.', injected: true },
    ];
    const first = await extractMemories(context, { conversationId: chatId, messages, scopes });
    expect(first.episodic).toBe(2);
    expect(first.facts).toBe(1);
    const facts = first.results.filter((result) => result.memory.type !== 'episodic');
    expect(facts[0]?.memory.content).toBe("The user's favorite city is Lisbon.");
    expect(facts[0]?.memory.sourceMessageIds).toEqual(['m2']);
    const again = await extractMemories(context, { conversationId: chatId, messages, scopes });
    expect(again.created).toBe(0);
    const hits = await searchMemories(context, {
      query: 'Paris SystemBot Rex',
      scopes: [scopes.turns, scopes.facts],
    });
    expect(hits.filter((hit) => /Paris|SystemBot|Rex/.test(hit.memory.content))).toEqual([]);
  });

  it('caps what one turn may add', async () => {
    test = await createMemoryTestServices(dialect, { settings: { maxMemoriesPerTurn: 3 } });
    const user = await test.createUser();
    const { conversationId: chatId } = await createConversation(test.base.services, user);
    const content = Array.from({ length: 8 }, (_, index) => `My item${index} is value${index}.`).join(' ');
    const result = await extractMemories(test.context(user), {
      conversationId: chatId,
      messages: [{ id: 'm1', role: 'user', content }],
      scopes: { turns: { kind: 'chat', id: chatId }, facts: { kind: 'user', id: user.id } },
    });
    expect(result.created).toBe(3);
  });

  it('uses structured output from a real model, with entities as tags', async () => {
    const embeddingModel = new MockEmbeddingModelV3({
      doEmbed: async ({ values }) => ({
        embeddings: values.map((value) => [value.length % 7, 1, value.includes('Lisbon') ? 3 : 0]),
        warnings: [],
      }),
    });
    test = await createMemoryTestServices(dialect, {
      embedder: createAiSdkEmbedder(embeddingModel, { dimensions: 3, modelId: 'mock:embed' }),
    });
    const user = await test.createUser();
    const { conversationId: chatId } = await createConversation(test.base.services, user);
    const model = jsonModel({
      memories: [
        {
          messageId: 'm1',
          type: 'relationship',
          content: 'Ana is the user’s cofounder.',
          importance: 0.8,
          tags: [],
          entities: ['Ana'],
        },
        {
          messageId: 'unknown',
          type: 'semantic',
          content: 'Invented.',
          importance: 0.5,
          tags: [],
          entities: [],
        },
      ],
    });
    const result = await extractMemories(test.context(user), {
      model,
      conversationId: chatId,
      messages: [{ id: 'm1', role: 'user', content: 'Ana and I started the company together.' }],
      scopes: { turns: { kind: 'chat', id: chatId }, facts: { kind: 'user', id: user.id } },
    });
    const fact = result.results.find((entry) => entry.memory.type === 'relationship');
    expect(fact?.memory.tags).toEqual(['entity:ana']);
    expect(fact?.memory.embeddingModel).toBe('mock:embed');
    expect(result.facts).toBe(1);
    expect(embeddingModel.doEmbedCalls.length).toBeGreaterThan(0);
  });
});
