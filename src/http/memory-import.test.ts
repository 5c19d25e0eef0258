import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemoryServices } from '../memory/index.js';
import { testDialects } from '../storage/test-support/databases.js';
import { createHttpHarness, type HttpHarness } from './test-support/http-harness.js';
import { createUserKey } from './test-support/user-keys.js';

interface ImportResult {
  created: number;
  duplicates: number;
  items: Array<{ id: string; action: 'created' | 'duplicate' }>;
}
interface ErrorBody {
  error: { code: string; message: string; details?: { fields?: Array<{ path: string }> } };
}
interface Memory {
  id: string;
  scope: { kind: string; id: string };
  occurredAt: number;
  tags: string[];
  type: string;
}

const tables = ['memory', 'memory_tag', 'memory_log', 'memory_fts', 'audit_log', 'event'] as const;

describe.each(testDialects)('POST /v1/memories/import on %s', (dialect) => {
  let harness: HttpHarness;
  let agentId: string;

  beforeAll(async () => {
    harness = await createHttpHarness(dialect);
    const agent = (await (
      await harness.request('POST', '/v1/agents', { body: { name: 'importer' } })
    ).json()) as {
      id: string;
    };
    agentId = agent.id;
  });
  afterAll(async () => {
    await harness.close();
  });

  const counts = () => harness.rowCounts(tables.filter((table) => table !== 'memory_fts') as never);
  const post = (body: unknown, options: { key?: string; headers?: Record<string, string> } = {}) =>
    harness.request('POST', '/v1/memories/import', { body, ...options });

  it('stores each item with its own scope, type, tags, time and source, and reports exact duplicates', async () => {
    const happened = Date.UTC(2022, 6, 1);
    const response = await post({
      items: [
        {
          content: 'The kiln lives in the north shed',
          scope: { kind: 'agent', id: agentId },
          type: 'semantic',
          tags: ['pottery'],
          occurredAt: happened,
          source: 'notes.jsonl:1',
        },
        { content: 'Alex prefers stoneware to porcelain', scope: 'org', type: 'preference' },
        { content: 'The kiln lives in the north shed', scope: `agent:${agentId}` },
        { content: 'The kiln lives in the north shed', scope: 'org' },
      ],
    });
    expect(response.status).toBe(200);
    const result = (await response.json()) as ImportResult;
    expect(result.created).toBe(3);
    expect(result.duplicates).toBe(1);
    expect(result.items.map((item) => item.action)).toEqual(['created', 'created', 'duplicate', 'created']);
    expect(result.items[2]?.id).toBe(result.items[0]?.id);
    const first = (await (
      await harness.request('GET', `/v1/memories/${result.items[0]?.id}`)
    ).json()) as Memory;
    expect(first).toMatchObject({
      scope: { kind: 'agent', id: agentId },
      occurredAt: happened,
      tags: ['pottery'],
    });
    const history = (await (
      await harness.request('GET', `/v1/memories/${result.items[0]?.id}/history`)
    ).json()) as {
      log: Array<{ reason: string }>;
    };
    expect(history.log[0]?.reason).toBe('imported from notes.jsonl:1');
    const again = (await (
      await post({
        items: [{ content: 'Alex prefers stoneware to porcelain', scope: 'org', type: 'preference' }],
      })
    ).json()) as ImportResult;
    expect(again).toEqual({
      created: 0,
      duplicates: 1,
      items: [{ id: result.items[1]?.id, action: 'duplicate' }],
    });
    const search = (await (
      await harness.request('GET', `/v1/memories/search?q=kiln%20shed&scope=agent:${agentId}`)
    ).json()) as { hits: Array<{ memory: { id: string } }> };
    expect(search.hits.map((hit) => hit.memory.id)).toContain(result.items[0]?.id);
  });

  it('names the item and field of an invalid item, and stores nothing of the request', async () => {
    const before = await counts();
    const items = Array.from({ length: 13 }, (_, index) => ({ content: `Fact number ${index}` }));
    items[12] = { content: '' };
    const response = await post({ items });
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.details?.fields?.map((field) => field.path)).toContain('json.items.12.content');
    const unknownScope = await post({
      items: [{ content: 'fine' }, { content: 'also fine', scope: 'agent:agt_nope' }],
    });
    expect(unknownScope.status).toBe(400);
    expect(((await unknownScope.json()) as ErrorBody).error.details?.fields?.[0]?.path).toBe(
      'json.items.1.scope',
    );
    expect(await counts()).toEqual(before);
  });

  it('refuses more than 5,000 items, and a key without the role, writing nothing', async () => {
    const user = await createUserKey(harness, { role: 'member' });
    const before = await counts();
    const many = await post({
      items: Array.from({ length: 5001 }, (_, index) => ({ content: `n${index}` })),
    });
    expect([400, 413]).toContain(many.status);
    const viewer = await post({ items: [{ content: 'from a viewer' }] }, { key: harness.keys.viewer });
    expect(viewer.status).toBe(403);
    const foreign = await post(
      { items: [{ content: 'not mine', scope: 'user:usr_someone_else' }] },
      { key: user.key },
    );
    expect([400, 403]).toContain(foreign.status);
    expect(await counts()).toEqual(before);
  });

  it('is all or nothing: a failure mid-import leaves no memory, tag, log, audit row or event', async () => {
    const before = await counts();
    const memory = (harness.colony.services as MemoryServices).memory;
    if (!memory) throw new Error('no memory runtime');
    let batches = 0;
    // 1,200 items are stored in three batches of one transaction; the third fails after two were written.
    memory.faultInjector = (stage) => {
      if (stage === 'after-index' && ++batches === 3) throw new Error('disk on fire');
    };
    try {
      const items = Array.from({ length: 1200 }, (_, index) => ({
        content: `Atomic fact ${index}`,
        tags: ['atomic'],
      }));
      const response = await post({ items });
      expect(response.status).toBe(500);
    } finally {
      memory.faultInjector = null;
    }
    expect(batches).toBe(3);
    expect(await counts()).toEqual(before);
  });

  it('honours Idempotency-Key: a retry replays the answer and stores nothing twice', async () => {
    const body = { items: [{ content: 'Glaze firing takes nine hours', source: 'retry.jsonl' }] };
    const headers = { 'Idempotency-Key': 'import-once' };
    const first = await post(body, { headers });
    const before = await counts();
    const second = await post(body, { headers });
    expect(second.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await second.json()).toEqual(await first.json());
    expect(await counts()).toEqual(before);
    const other = await post({ items: [{ content: 'Something else' }] }, { headers });
    expect(other.status).toBe(422);
  });
});
