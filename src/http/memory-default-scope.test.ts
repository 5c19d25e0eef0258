import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../storage/test-support/databases.js';
import { createHttpHarness, type HttpHarness } from './test-support/http-harness.js';
import { createUserKey, otherOrgId, type UserKey } from './test-support/user-keys.js';

interface Hits {
  hits: Array<{ memory: { id: string; scope: { kind: string; id: string } } }>;
}

describe.each(testDialects)('memory search without a scope on %s', (dialect) => {
  let harness: HttpHarness;
  let stranger: UserKey;
  const stored: Record<string, string> = {};

  async function json<T>(response: Response): Promise<T> {
    expect(response.status).toBeLessThan(300);
    return (await response.json()) as T;
  }
  async function remember(scope: string, content: string, key?: string): Promise<string> {
    const body = { content, type: 'semantic', scope };
    const created = await json<{ memory: { id: string } }>(
      await harness.request('POST', '/v1/memories', { body, ...(key ? { key } : {}) }),
    );
    return created.memory.id;
  }
  const search = async (key: string, extra = '') =>
    (await json<Hits>(await harness.request('GET', `/v1/memories/search?q=lighthouse${extra}`, { key })))
      .hits;

  beforeAll(async () => {
    harness = await createHttpHarness(dialect);
    stranger = await createUserKey(harness, { orgId: await otherOrgId(harness), role: 'owner' });
    const agent = await json<{ id: string }>(
      await harness.request('POST', '/v1/agents', { body: { name: 'keeper' } }),
    );
    const chat = await json<{ id: string }>(
      await harness.request('POST', '/v1/chats', { body: { agent: agent.id } }),
    );
    stored.org = await remember('org', 'The lighthouse key hangs in the org office');
    stored.agent = await remember(`agent:${agent.id}`, 'The lighthouse lamp is checked by the agent');
    stored.chat = await remember(`chat:${chat.id}`, 'The lighthouse boat leaves at noon, said the chat');
    stored.foreign = await remember('org', 'The lighthouse in the other org is red', stranger.key);
  });
  afterAll(async () => {
    await harness.close();
  });

  it('covers the org, agent and chat scopes for a key without a user', async () => {
    const ids = (await search(harness.keys.owner)).map((hit) => hit.memory.id).sort();
    expect(ids).toEqual([stored.org, stored.agent, stored.chat].sort());
  });

  it('covers them, and the own user scope, for a key with a user', async () => {
    const alice = await createUserKey(harness);
    const own = await remember('user', 'The lighthouse keeper is my uncle', alice.key);
    const ids = (await search(alice.key)).map((hit) => hit.memory.id).sort();
    expect(ids).toEqual([stored.org, stored.agent, stored.chat, own].sort());
    expect((await search(harness.keys.owner)).map((hit) => hit.memory.id)).not.toContain(own);
  });

  it('shows another org nothing of this org, and this org nothing of it', async () => {
    expect((await search(stranger.key)).map((hit) => hit.memory.id)).toEqual([stored.foreign]);
    const ours = (await search(harness.keys.owner)).map((hit) => hit.memory.id);
    expect(ours).not.toContain(stored.foreign);
  });

  it('searches only the scopes named when a list is given', async () => {
    const hits = await search(harness.keys.owner, '&scope=org');
    expect(hits.map((hit) => hit.memory.id)).toEqual([stored.org]);
  });
});
