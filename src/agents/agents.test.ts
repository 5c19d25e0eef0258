import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../context/index.js';
import { createHttpHarness, type HttpHarness } from '../http/test-support/http-harness.js';
import type { Database } from '../storage/index.js';
import { testDialects } from '../storage/test-support/databases.js';
import type { AgentContext } from './agents.js';
import { createAgent, getAgent, listAgents, updateAgent } from './index.js';

interface Page {
  agents: Array<{ id: string; name: string; version: number; instructions: string; tools: string[] }>;
  nextCursor: string | null;
}

// Agents and their JSON are kept between reads (agent-store.ts): every read must still show
// every committed change at once, and nothing a rolled-back transaction wrote.
describe.each(testDialects)('agent reads and edits on %s', (dialect) => {
  let harness: HttpHarness;
  let context: AgentContext;
  beforeAll(async () => {
    harness = await createHttpHarness(dialect);
    context = {
      services: harness.colony.services,
      actor: systemActor(harness.orgId),
      signal: new AbortController().signal,
    };
  });
  afterAll(async () => {
    await harness.close();
  });

  async function page(): Promise<Page> {
    const response = await harness.request('GET', '/v1/agents');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('application/json');
    return (await response.json()) as Page;
  }

  it('shows each edit, rename and deletion on the next read', async () => {
    const created = await createAgent(context, { name: 'kept-a', instructions: 'first' });
    expect((await page()).agents.find((agent) => agent.id === created.id)).toMatchObject({
      version: 1,
      instructions: 'first',
    });
    // Read twice: the second listing is served from what the first one kept.
    await page();

    await harness.request('PATCH', `/v1/agents/${created.id}`, { body: { instructions: 'second' } });
    expect((await page()).agents.find((agent) => agent.id === created.id)).toMatchObject({
      version: 2,
      name: 'kept-a',
      instructions: 'second',
    });

    await harness.request('PATCH', `/v1/agents/${created.id}`, { body: { name: 'kept-b' } });
    expect((await page()).agents.find((agent) => agent.id === created.id)).toMatchObject({
      version: 3,
      name: 'kept-b',
      instructions: 'second',
    });

    // An older version read by number, then the current one again.
    const first = await harness.request('GET', `/v1/agents/${created.id}?version=1`);
    expect(await first.json()).toMatchObject({ version: 1, name: 'kept-b', instructions: 'first' });
    const current = await harness.request('GET', `/v1/agents/${created.id}`);
    expect(await current.json()).toMatchObject({ version: 3, name: 'kept-b', instructions: 'second' });

    await harness.request('DELETE', `/v1/agents/${created.id}`);
    expect((await page()).agents.map((agent) => agent.id)).not.toContain(created.id);
  });

  it('keeps nothing from an edit whose transaction rolled back', async () => {
    const created = await createAgent(context, { name: 'rolled', instructions: 'v1', tools: ['get_time'] });
    await listAgents(context);
    const database = context.services.database;
    // A commit that fails after the unit of work ran, as a full disk or a failed batch would.
    const failingCommit: Database = {
      ...database,
      transaction: (fn) =>
        database.transaction(async (transaction) => {
          await fn(transaction);
          throw new Error('commit failed');
        }),
    };
    const failing: AgentContext = { ...context, services: { ...context.services, database: failingCommit } };
    await expect(updateAgent(failing, created.id, { instructions: 'rolled back' })).rejects.toThrow(
      'commit failed',
    );
    expect(await getAgent(context, created.id)).toMatchObject({ version: 1, instructions: 'v1' });

    // The next edit writes version 2 again, with other content: that content is what is read.
    expect(await updateAgent(context, created.id, { instructions: 'committed' })).toMatchObject({
      version: 2,
      instructions: 'committed',
    });
    expect(await getAgent(context, created.id)).toMatchObject({ version: 2, instructions: 'committed' });
    const listed = (await listAgents(context)).agents.find((agent) => agent.id === created.id);
    expect(listed).toMatchObject({ version: 2, instructions: 'committed', tools: ['get_time'] });
    expect((await page()).agents.find((agent) => agent.id === created.id)?.instructions).toBe('committed');
  });

  it('changes only the fields an edit names', async () => {
    const definition = {
      instructions: 'Be terse.',
      model: 'offline:echo',
      tools: ['get_time'],
      capabilities: { text: 'dates', tags: ['time'] },
      limits: { maxSteps: 3 },
    };
    const created = await harness.request('POST', '/v1/agents', { body: { name: 'partial', ...definition } });
    const { id } = (await created.json()) as { id: string };
    const renamed = await harness.request('PATCH', `/v1/agents/${id}`, { body: { name: 'partial-2' } });
    expect(renamed.status).toBe(200);
    const edited = await harness.request('PATCH', `/v1/agents/${id}`, { body: { description: 'clock' } });
    expect(await edited.json()).toMatchObject({
      version: 3,
      name: 'partial-2',
      description: 'clock',
      ...definition,
    });
  });

  it("pages through an org's live agents with a cursor, and sees no other org's", async () => {
    const key = harness.keys.otherOrg;
    const ids: string[] = [];
    for (const name of ['page-a', 'page-b', 'page-c']) {
      const created = await harness.request('POST', '/v1/agents', { key, body: { name } });
      ids.push(((await created.json()) as { id: string }).id);
    }
    const all = (await (await harness.request('GET', '/v1/agents', { key })).json()) as Page;
    expect(all.agents.map((agent) => agent.id)).toEqual(ids);
    expect(all.nextCursor).toBeNull();

    const first = (await (await harness.request('GET', '/v1/agents?limit=2', { key })).json()) as Page;
    expect(first.agents.map((agent) => agent.id)).toEqual(ids.slice(0, 2));
    expect(first.nextCursor).toBe(ids[1]);
    const second = (await (
      await harness.request('GET', `/v1/agents?limit=2&cursor=${first.nextCursor}`, { key })
    ).json()) as Page;
    expect(second).toMatchObject({ agents: [{ id: ids[2], name: 'page-c' }], nextCursor: null });

    await harness.request('DELETE', `/v1/agents/${ids[0]}`, { key });
    const after = (await (await harness.request('GET', '/v1/agents?limit=1', { key })).json()) as Page;
    expect(after.agents.map((agent) => agent.id)).toEqual([ids[1]]);
    const main = (await (await harness.request('GET', '/v1/agents?limit=200')).json()) as Page;
    expect(main.agents.map((agent) => agent.id)).not.toContain(ids[1]);
  });

  it('hands out agents frozen all the way down, so a caller cannot change what others read', async () => {
    await createAgent(context, { name: 'frozen', tools: ['get_time'] });
    const agent = await getAgent(context, 'frozen');
    expect(Object.isFrozen(agent)).toBe(true);
    expect(() => agent.tools.push('http_request')).toThrow(TypeError);
    expect(() => {
      agent.memoryPolicy.retrieveLimit = 1;
    }).toThrow(TypeError);
    expect((await getAgent(context, 'frozen')).tools).toEqual(['get_time']);
  });
});
