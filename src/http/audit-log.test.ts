import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../storage/test-support/databases.js';
import { createHttpHarness, type HttpHarness } from './test-support/http-harness.js';

interface Entry {
  id: string;
  orgId: string;
  actor: { kind: string; id: string };
  action: string;
  resourceType: string;
  resourceId: string | null;
  requestId: string | null;
  createdAt: number;
}
interface Page {
  entries: Entry[];
  nextCursor: string | null;
}
interface ErrorBody {
  error: { code: string; details?: { fields?: Array<{ path: string }> } };
}

describe.each(testDialects)('GET /v1/audit on %s', (dialect) => {
  let harness: HttpHarness;
  let agentId: string;
  let adminKeyId: string;
  let revokedKeyId: string;
  let agentRequestId: string | null;
  /** Entries written by the harness's own setup (its keys), before this suite's requests. */
  let setupEntries: number;

  async function list(query = '', key?: string): Promise<Page> {
    const response = await harness.request('GET', `/v1/audit${query}`, key ? { key } : {});
    expect(response.status).toBe(200);
    return (await response.json()) as Page;
  }

  beforeAll(async () => {
    harness = await createHttpHarness(dialect);
    setupEntries = (await list()).entries.length;
    const created = await harness.request('POST', '/v1/agents', { body: { name: 'audited-one' } });
    agentRequestId = created.headers.get('X-Request-Id');
    agentId = ((await created.json()) as { id: string }).id;
    await harness.request('PATCH', `/v1/agents/${agentId}`, { body: { description: 'edited' } });
    const byAdmin = await harness.request('POST', '/v1/agents', {
      key: harness.keys.admin,
      body: { name: 'audited-two' },
    });
    adminKeyId = (await harness.auditOf(byAdmin))[0]?.actor_id ?? '';
    const key = await harness.request('POST', '/v1/keys', { body: { name: 'short-lived', role: 'viewer' } });
    revokedKeyId = ((await key.json()) as { apiKey: { id: string } }).apiKey.id;
    await harness.request('DELETE', `/v1/keys/${revokedKeyId}`);
  }, 60_000);

  afterAll(() => harness.close());

  it('lists the org’s entries newest first, with who, what, which resource and the request id', async () => {
    const page = await list();
    expect(page.nextCursor).toBeNull();
    expect(page.entries).toHaveLength(setupEntries + 5);
    const entries = page.entries.slice(0, 5);
    expect(entries.map((entry) => entry.action)).toEqual([
      'api-key.revoke',
      'api-key.create',
      'agent.create',
      'agent.update',
      'agent.create',
    ]);
    expect(entries.every((entry) => entry.orgId === harness.orgId)).toBe(true);
    const first = entries.at(-1);
    expect(first).toMatchObject({ resourceType: 'agent', resourceId: agentId, requestId: agentRequestId });
    expect(first?.actor.kind).toBe('api_key');
    const times = entries.map((entry) => entry.createdAt);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('filters by action, action family, resource, actor and time', async () => {
    expect((await list('?action=agent.update')).entries.map((entry) => entry.resourceId)).toEqual([agentId]);
    const keyActions = (await list('?action=api-key.*')).entries.map((entry) => entry.action);
    expect(keyActions.slice(0, 2)).toEqual(['api-key.revoke', 'api-key.create']);
    expect(new Set(keyActions)).toEqual(new Set(['api-key.revoke', 'api-key.create']));
    expect(keyActions).toHaveLength(setupEntries + 2);
    expect((await list(`?resourceType=api_key&resourceId=${revokedKeyId}`)).entries).toHaveLength(2);
    const byAdmin = await list(`?actor=${adminKeyId}`);
    expect(byAdmin.entries.map((entry) => entry.action)).toEqual(['agent.create']);
    const all = (await list()).entries;
    const middle = all[2]?.createdAt ?? 0;
    const since = (await list(`?since=${middle}`)).entries;
    expect(since.every((entry) => entry.createdAt >= middle)).toBe(true);
    expect(since.length).toBeGreaterThanOrEqual(3);
    const until = (await list(`?until=${middle}`)).entries;
    expect(until.every((entry) => entry.createdAt < middle)).toBe(true);
    expect(since.length + until.length).toBe(all.length);
  });

  it('pages by cursor without losing or repeating an entry', async () => {
    const all = (await list()).entries.map((entry) => entry.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await list(`?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...page.entries.map((entry) => entry.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(Math.ceil(all.length / 2));
    expect(seen).toEqual(all);
  });

  it('names the field of a bad filter or cursor', async () => {
    for (const [query, field] of [
      ['?cursor=nonsense', 'query.cursor'],
      ['?action=agent.%25', 'query.action'],
      ['?since=yesterday', 'query.since'],
      ['?limit=0', 'query.limit'],
    ] as const) {
      const response = await harness.request('GET', `/v1/audit${query}`);
      expect(response.status, query).toBe(400);
      const body = (await response.json()) as ErrorBody;
      expect(body.error.code).toBe('invalid_input');
      expect(body.error.details?.fields?.map((item) => item.path)).toContain(field);
    }
  });

  it('is for admins, and another org sees only its own entries', async () => {
    for (const key of [harness.keys.member, harness.keys.viewer]) {
      const response = await harness.request('GET', '/v1/audit', { key });
      expect(response.status).toBe(403);
    }
    const other = await list('', harness.keys.otherOrg);
    expect(other.entries.some((entry) => entry.orgId === harness.orgId)).toBe(false);
    expect(other.entries.some((entry) => entry.resourceId === agentId)).toBe(false);
    const filtered = await list(`?resourceId=${agentId}`, harness.keys.otherOrg);
    expect(filtered.entries).toEqual([]);
  });
});
