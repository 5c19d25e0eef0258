import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../storage/test-support/databases.js';
import { createHttpHarness, type HttpHarness } from './test-support/http-harness.js';
import { createUserKey, otherOrgId, type UserKey } from './test-support/user-keys.js';

interface ErrorBody {
  error: { code: string; message: string; details?: { fields?: Array<{ path: string; message: string }> } };
}

describe.each(testDialects)('ids in requests name rows of the caller’s org on %s', (dialect) => {
  let harness: HttpHarness;
  let colleague: UserKey;
  let outsider: UserKey;
  let chatId: string;
  let agentId: string;
  let foreignChatId: string;
  beforeAll(async () => {
    harness = await createHttpHarness(dialect);
    colleague = await createUserKey(harness);
    outsider = await createUserKey(harness, { orgId: await otherOrgId(harness) });
    const agent = await harness.request('POST', '/v1/agents', { body: { name: 'helper' } });
    agentId = ((await agent.json()) as { id: string }).id;
    const chat = await harness.request('POST', '/v1/chats', { body: { agent: 'helper' } });
    chatId = ((await chat.json()) as { id: string }).id;
    await harness.request('POST', '/v1/agents', { key: harness.keys.otherOrg, body: { name: 'theirs' } });
    const foreign = await harness.request('POST', '/v1/chats', {
      key: harness.keys.otherOrg,
      body: { agent: 'theirs' },
    });
    foreignChatId = ((await foreign.json()) as { id: string }).id;
  });
  afterAll(async () => {
    await harness.close();
  });

  async function expectInvalid(response: Response, paths: string[]): Promise<ErrorBody> {
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.details?.fields?.map((field) => field.path)).toEqual(paths);
    return body;
  }

  it('a chat’s userIds must be users of the org; nothing is written otherwise', async () => {
    const before = await harness.rowCounts(['conversation', 'conversation_participant', 'event']);
    const response = await harness.request('POST', '/v1/chats', {
      body: { agent: 'helper', userIds: [colleague.userId, 'usr_made_up', outsider.userId] },
    });
    const body = await expectInvalid(response, ['userIds.1', 'userIds.2']);
    expect(body.error.message).toBe(
      `userIds.1: no user usr_made_up in this org; userIds.2: no user ${outsider.userId} in this org`,
    );
    expect(await harness.rowCounts(['conversation', 'conversation_participant', 'event'])).toEqual(before);

    const created = await harness.request('POST', '/v1/chats', {
      body: { agent: 'helper', userIds: [colleague.userId] },
    });
    expect(created.status).toBe(201);
    const chat = (await created.json()) as { participants: Array<{ kind: string; id: string }> };
    expect(chat.participants).toContainEqual({ kind: 'user', id: colleague.userId });
  });

  it.each([
    { name: 'an unknown chat', scope: () => 'chat:chat_made_up' },
    { name: 'another org’s chat', scope: () => `chat:${foreignChatId}` },
    { name: 'an unknown agent', scope: () => 'agent:agt_made_up' },
    { name: 'an unknown team', scope: () => 'team:team_made_up' },
    { name: 'an unknown user', scope: () => 'user:usr_made_up' },
  ])('a memory scope naming $name is refused on write and search', async ({ scope }) => {
    const before = await harness.rowCounts(['memory', 'memory_log']);
    const written = await harness.request('POST', '/v1/memories', {
      body: { content: 'Deploys happen on Tuesdays', scope: scope() },
    });
    const body = await expectInvalid(written, ['scope']);
    expect(body.error.message).toMatch(/^scope: no (chat|agent|team|user) \S+ in this org$/);
    expect(await harness.rowCounts(['memory', 'memory_log'])).toEqual(before);
    const searched = await harness.request('GET', `/v1/memories/search?q=deploys&scope=org,${scope()}`);
    await expectInvalid(searched, ['scope']);
  });

  it('memory scopes naming the org’s own chat and agent work', async () => {
    for (const scope of [`chat:${chatId}`, { kind: 'agent', id: agentId }]) {
      const written = await harness.request('POST', '/v1/memories', {
        body: { content: `Standups are at nine (${JSON.stringify(scope)})`, scope },
      });
      expect(written.status).toBe(201);
    }
    const searched = await harness.request(
      'GET',
      `/v1/memories/search?q=standups&scope=chat:${chatId},agent:${agentId}`,
    );
    expect(searched.status).toBe(200);
    expect(((await searched.json()) as { hits: unknown[] }).hits).toHaveLength(2);
  });
});
