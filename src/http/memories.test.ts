import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../context/index.js';
import { testDialects } from '../storage/test-support/databases.js';
import { createHttpHarness, type HttpHarness } from './test-support/http-harness.js';
import { createUserKey, otherOrgId, type UserKey } from './test-support/user-keys.js';

interface Stored {
  memory: { id: string; scope: { kind: string; id: string }; content: string; deletedAt: number | null };
  action: string;
}
interface Hit {
  memory: { id: string; content: string };
  score: number;
  signals: Record<string, number>;
  why: string;
}
interface ErrorBody {
  error: { code: string; message: string; details?: { fields?: Array<{ path: string }> } };
}

const validBody = { content: 'Deploys happen on Tuesdays after the standup', type: 'procedural' };

const routeCases = [
  { name: 'add', method: 'POST', path: () => '/v1/memories', minimum: 'member' as Role, scoped: false },
  {
    name: 'import',
    method: 'POST',
    path: () => '/v1/memories/import',
    minimum: 'member' as Role,
    scoped: false,
    body: { items: [validBody] },
  },
  {
    name: 'search',
    method: 'GET',
    path: () => '/v1/memories/search?q=deploy',
    minimum: 'viewer' as Role,
    scoped: false,
  },
  { name: 'get', method: 'GET', path: (id: string) => `/v1/memories/${id}`, minimum: 'viewer', scoped: true },
  {
    name: 'history',
    method: 'GET',
    path: (id: string) => `/v1/memories/${id}/history`,
    minimum: 'viewer',
    scoped: true,
  },
  {
    name: 'delete',
    method: 'DELETE',
    path: (id: string) => `/v1/memories/${id}`,
    minimum: 'member',
    scoped: true,
  },
] as const;

describe.each(testDialects)('memories over HTTP on %s', (dialect) => {
  let harness: HttpHarness;
  let orgMemoryId: string;
  let alice: UserKey;
  let bob: UserKey;
  let aliceAdmin: UserKey;
  let stranger: UserKey;

  async function memoryRows(): Promise<{ live: number; total: number; logs: number }> {
    const db = harness.colony.database.db;
    const count = async (live: boolean) => {
      let query = db.selectFrom('memory').select((builder) => builder.fn.countAll<number>().as('count'));
      if (live) query = query.where('deleted_at', 'is', null);
      return Number((await query.executeTakeFirstOrThrow()).count);
    };
    const logs = await db
      .selectFrom('memory_log')
      .select((builder) => builder.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    return { live: await count(true), total: await count(false), logs: Number(logs.count) };
  }

  async function json<T>(response: Response): Promise<T> {
    return (await response.json()) as T;
  }

  beforeAll(async () => {
    harness = await createHttpHarness(dialect, { config: { bodyLimitBytes: 16_384 } });
    const stored = await json<Stored>(
      await harness.request('POST', '/v1/memories', {
        body: { ...validBody, scope: { kind: 'org', id: harness.orgId } },
      }),
    );
    orgMemoryId = stored.memory.id;
    alice = await createUserKey(harness);
    bob = await createUserKey(harness);
    aliceAdmin = await createUserKey(harness, { role: 'owner' });
    stranger = await createUserKey(harness, { orgId: await otherOrgId(harness), role: 'owner' });
  });
  afterAll(async () => {
    await harness.close();
  });

  it('stores, finds (with per-signal scores and why), shows, and deletes softly with a log entry', async () => {
    const created = await harness.request('POST', '/v1/memories', {
      key: harness.keys.member,
      body: { content: 'The staging database is called ember', tags: ['infra'] },
    });
    expect(created.status).toBe(201);
    const stored = await json<Stored>(created);
    expect(stored.memory.scope).toEqual({ kind: 'org', id: harness.orgId });
    const again = await harness.request('POST', '/v1/memories', {
      key: harness.keys.member,
      body: { content: 'The staging database is called ember' },
    });
    expect(again.status).toBe(200);
    expect((await json<Stored>(again)).action).toBe('duplicate');

    const search = await harness.request('GET', '/v1/memories/search?q=staging%20database%20name&tag=infra', {
      key: harness.keys.viewer,
    });
    expect(search.status).toBe(200);
    const { hits } = await json<{ hits: Hit[] }>(search);
    expect(hits[0]?.memory.id).toBe(stored.memory.id);
    expect(Object.keys(hits[0]?.signals ?? {}).sort()).toEqual([
      'frequency',
      'importance',
      'lexical',
      'recency',
      'semantic',
    ]);
    expect(hits[0]?.why).toMatch(/\S/);

    const typed = await json<{ hits: Hit[] }>(
      await harness.request('GET', '/v1/memories/search?q=staging%20database&type=goal,preference'),
    );
    expect(typed.hits).toEqual([]);

    expect((await harness.request('GET', `/v1/memories/${stored.memory.id}`)).status).toBe(200);
    const removed = await harness.request('DELETE', `/v1/memories/${stored.memory.id}?reason=obsolete`, {
      key: harness.keys.member,
    });
    expect(removed.status).toBe(200);
    expect((await json<Stored['memory']>(removed)).deletedAt).not.toBeNull();
    expect((await harness.request('GET', `/v1/memories/${stored.memory.id}`)).status).toBe(404);
    const history = await json<{ log: Array<{ action: string; reason: string }> }>(
      await harness.request('GET', `/v1/memories/${stored.memory.id}/history`),
    );
    expect(history.log.map((entry) => entry.action)).toContain('delete');
    expect(history.log.find((entry) => entry.action === 'delete')?.reason).toBe('obsolete');
    const after = await json<{ hits: Hit[] }>(
      await harness.request('GET', '/v1/memories/search?q=staging%20database%20ember'),
    );
    expect(after.hits.map((hit) => hit.memory.id)).not.toContain(stored.memory.id);
  });

  it.each(routeCases)('$name: 401 without a key or with a bad key', async (route) => {
    for (const key of [null, 'garbage']) {
      const response = await harness.request(route.method, route.path(orgMemoryId), {
        key,
        ...(route.method === 'POST' ? { body: 'body' in route ? route.body : validBody } : {}),
      });
      expect(response.status).toBe(401);
    }
  });

  it.each(routeCases.filter((route) => route.minimum === 'member'))(
    '$name: 403 for a viewer, nothing written',
    async (route) => {
      const before = await memoryRows();
      const response = await harness.request(route.method, route.path(orgMemoryId), {
        key: harness.keys.viewer,
        ...(route.method === 'POST' ? { body: 'body' in route ? route.body : validBody } : {}),
      });
      expect(response.status).toBe(403);
      expect((await json<ErrorBody>(response)).error.code).toBe('forbidden');
      expect(await memoryRows()).toEqual(before);
    },
  );

  it.each(routeCases.filter((route) => route.scoped))('$name: 404 for another org', async (route) => {
    const before = await memoryRows();
    const response = await harness.request(route.method, route.path(orgMemoryId), {
      key: harness.keys.otherOrg,
    });
    expect(response.status).toBe(404);
    expect((await json<ErrorBody>(response)).error.code).toBe('not_found');
    expect(await memoryRows()).toEqual(before);
  });

  it('another org’s search finds nothing of this org, and may not name its scope', async () => {
    const search = await json<{ hits: Hit[] }>(
      await harness.request('GET', '/v1/memories/search?q=deploys%20tuesdays', {
        key: harness.keys.otherOrg,
      }),
    );
    expect(search.hits).toEqual([]);
    const named = await harness.request('GET', `/v1/memories/search?q=deploys&scope=org:${harness.orgId}`, {
      key: harness.keys.otherOrg,
    });
    expect(named.status).toBe(403);
  });

  it.each([
    { name: 'oversize content', body: { content: 'x'.repeat(9000) }, field: 'content' },
    { name: 'unknown type', body: { content: 'a fact', type: 'rumour' }, field: 'type' },
    { name: 'importance out of range', body: { content: 'a fact', importance: 2 }, field: 'importance' },
    {
      name: 'unknown scope kind',
      body: { content: 'a fact', scope: { kind: 'planet', id: 'x' } },
      field: 'scope',
    },
  ])('add: 400 naming the field ($name), nothing written', async ({ body, field }) => {
    const before = await memoryRows();
    const response = await harness.request('POST', '/v1/memories', { body });
    expect(response.status).toBe(400);
    const error = (await json<ErrorBody>(response)).error;
    expect(error.code).toBe('invalid_input');
    expect(error.details?.fields?.map((item) => item.path).join(' ')).toContain(field);
    expect(await memoryRows()).toEqual(before);
  });

  it.each([
    { query: 'q=x&type=rumour', field: 'type' },
    { query: 'type=semantic', field: 'q' },
    { query: 'q=x&scope=planet:1', field: 'scope' },
    { query: 'q=x&scope=agent', field: 'scope' },
    { query: 'q=x&limit=1000', field: 'limit' },
  ])('search: 400 naming the field ($query)', async ({ query, field }) => {
    const response = await harness.request('GET', `/v1/memories/search?${query}`);
    expect(response.status).toBe(400);
    const error = (await json<ErrorBody>(response)).error;
    expect(error.details?.fields?.map((item) => item.path).join(' ')).toContain(field);
  });

  it('add: 413 on an oversize body, nothing written', async () => {
    const before = await memoryRows();
    const response = await harness.request('POST', '/v1/memories', {
      body: { content: 'x', padding: 'y'.repeat(20_000) },
    });
    expect(response.status).toBe(413);
    expect(await memoryRows()).toEqual(before);
  });

  it('a user’s private memory never reaches another user or org: search, get, history, delete', async () => {
    const created = await harness.request('POST', '/v1/memories', {
      key: alice.key,
      body: { content: 'My locker code at the gym is 4312', type: 'semantic' },
    });
    expect(created.status).toBe(201);
    const secret = await json<Stored>(created);
    expect(secret.memory.scope).toEqual({ kind: 'user', id: alice.userId });
    const mine = await json<{ hits: Hit[] }>(
      await harness.request('GET', '/v1/memories/search?q=locker%20code%20gym', { key: alice.key }),
    );
    expect(mine.hits.map((hit) => hit.memory.id)).toContain(secret.memory.id);
    const explicit = await json<{ hits: Hit[] }>(
      await harness.request('GET', '/v1/memories/search?q=locker%20code&scope=user', { key: alice.key }),
    );
    expect(explicit.hits.map((hit) => hit.memory.id)).toContain(secret.memory.id);

    const before = await memoryRows();
    // Another user, an owner who is another user, a key with no user (the org's owner), another org.
    for (const key of [bob.key, aliceAdmin.key, harness.keys.owner, harness.keys.admin, stranger.key]) {
      const search = await json<{ hits: Hit[] }>(
        await harness.request('GET', '/v1/memories/search?q=locker%20code%20gym%204312', { key }),
      );
      expect(search.hits.map((hit) => hit.memory.id)).not.toContain(secret.memory.id);
      const named = await harness.request('GET', `/v1/memories/search?q=locker&scope=user:${alice.userId}`, {
        key,
      });
      // 403 in Alice's org; another org has no user of that id (400 naming the scope, like a made-up id).
      expect(named.status).toBe(key === stranger.key ? 400 : 403);
      for (const [method, path] of [
        ['GET', `/v1/memories/${secret.memory.id}`],
        ['GET', `/v1/memories/${secret.memory.id}/history`],
        ['DELETE', `/v1/memories/${secret.memory.id}`],
      ] as const) {
        const response = await harness.request(method, path, { key });
        expect(response.status).toBe(404);
      }
    }
    expect(await memoryRows()).toEqual(before);
    const still = await json<Stored['memory']>(
      await harness.request('GET', `/v1/memories/${secret.memory.id}`, { key: alice.key }),
    );
    expect(still.deletedAt).toBeNull();
    const keyWithoutUser = await harness.request('GET', '/v1/memories/search?q=locker&scope=user', {
      key: harness.keys.owner,
    });
    expect(keyWithoutUser.status).toBe(403);
  });

  it('the OpenAPI document lists the memory routes', async () => {
    const document = await json<{ paths: Record<string, unknown> }>(
      await harness.request('GET', '/openapi.json'),
    );
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/memories',
        '/v1/memories/search',
        '/v1/memories/{id}',
        '/v1/memories/{id}/history',
      ]),
    );
  });
});
