import { afterEach, describe, expect, it } from 'vitest';
import { createHttpHarness, type HttpHarness } from '../http/test-support/http-harness.js';
import { createUserKey } from '../http/test-support/user-keys.js';
import type { AssembledContext } from '../runtime/index.js';
import { testDialects } from '../storage/test-support/databases.js';
import { memoryConsolidateKind } from './memory-tasks.js';
import { memoryExtractKind } from './run-hooks.js';

interface RunView {
  status: string;
  steps: Array<{ kind: string; toolName: string | null; payload: { output?: unknown } }>;
}

async function sleep(milliseconds: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** Records the context each run's model steps were given (what the model saw). */
function capturePrompts(harness: HttpHarness): Map<string, AssembledContext[]> {
  const prompts = new Map<string, AssembledContext[]>();
  const hooks = harness.colony.services.runHooks;
  const original = hooks.assembleContext;
  if (!original) throw new Error('the memory engine did not install assembleContext');
  hooks.assembleContext = async (run, agent) => {
    const assembled = await original(run, agent);
    prompts.set(run.id, [...(prompts.get(run.id) ?? []), assembled]);
    return assembled;
  };
  return prompts;
}

/** Posts a message, waits for its run and for the run's memory extraction to finish. */
async function turn(harness: HttpHarness, chatId: string, content: string, key: string): Promise<string> {
  const posted = await harness.request('POST', `/v1/chats/${chatId}/messages`, { key, body: { content } });
  expect(posted.status).toBe(202);
  const { run } = (await posted.json()) as { run: { id: string } };
  const db = harness.colony.database.db;
  for (let attempt = 0; attempt < 600; attempt++) {
    const status = await db
      .selectFrom('run')
      .select('status')
      .where('id', '=', run.id)
      .executeTakeFirstOrThrow();
    const extraction = await db
      .selectFrom('task')
      .select('status')
      .where('idempotency_key', '=', `${memoryExtractKind}:${run.id}`)
      .executeTakeFirst();
    if (status.status === 'failed' || status.status === 'canceled')
      throw new Error(`run ${run.id} ${status.status}`);
    if (status.status === 'succeeded' && extraction?.status === 'succeeded') return run.id;
    if (extraction?.status === 'failed') throw new Error(`extraction of ${run.id} failed`);
    await sleep(20);
  }
  throw new Error(`run ${run.id} or its extraction did not finish`);
}

/** The `memory-context-assembled` events stored for a run. */
async function contextEvents(harness: HttpHarness, runId: string): Promise<Array<{ payload: string }>> {
  return harness.colony.database.db
    .selectFrom('event')
    .select('payload')
    .where('type', '=', 'memory-context-assembled')
    .where('run_id', '=', runId)
    .execute();
}

async function createChat(harness: HttpHarness, key: string, agent = 'assistant'): Promise<string> {
  const response = await harness.request('POST', '/v1/chats', { key, body: { agent } });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

describe.each(testDialects)('memory wired into runs on %s', (dialect) => {
  let harness: HttpHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('a fact stated in one chat is extracted after the run and recalled in the user’s later chat only', async () => {
    harness = await createHttpHarness(dialect, { workers: true });
    const prompts = capturePrompts(harness);
    expect((await harness.request('POST', '/v1/agents', { body: { name: 'assistant' } })).status).toBe(201);
    const alice = await createUserKey(harness);
    const bob = await createUserKey(harness);

    const first = await createChat(harness, alice.key);
    await turn(harness, first, 'Hi! My favourite colour is teal.', alice.key);
    const search = (await (
      await harness.request('GET', '/v1/memories/search?q=favourite%20colour&scope=user', { key: alice.key })
    ).json()) as { hits: Array<{ memory: { id: string; content: string; type: string } }> };
    const fact = search.hits.find(
      (hit) => hit.memory.type !== 'episodic' && hit.memory.content.includes('teal'),
    );
    expect(fact).toBeDefined();

    const later = await createChat(harness, alice.key);
    const asked = await turn(harness, later, 'What is my favourite colour?', alice.key);
    const system = prompts.get(asked)?.[0]?.system ?? '';
    expect(system).toMatch(/<memory-context>[\s\S]*teal[\s\S]*<\/memory-context>/);
    const events = await contextEvents(harness, asked);
    expect(events[0]?.payload).toContain(fact?.memory.id ?? 'missing');

    const other = await createChat(harness, bob.key);
    const bobAsked = await turn(harness, other, 'What is my favourite colour?', bob.key);
    expect(prompts.get(bobAsked)?.[0]?.system ?? '').not.toContain('teal');
  });

  it('after compaction a fact from an early turn is still in the context of a later turn', async () => {
    harness = await createHttpHarness(dialect, {
      workers: true,
      env: { COLONY_MEMORY_WINDOW_MESSAGES: '6', COLONY_MEMORY_KEEP_RECENT: '2' },
    });
    const prompts = capturePrompts(harness);
    await harness.request('POST', '/v1/agents', { body: { name: 'assistant' } });
    const key = harness.keys.member;
    const chat = await createChat(harness, key);
    await turn(harness, chat, 'My favourite colour is teal.', key);
    for (const filler of ['The weather is mild today.', 'I had pasta for lunch.', 'Trains were late.']) {
      await turn(harness, chat, filler, key);
    }
    const conversation = await harness.colony.database.db
      .selectFrom('conversation')
      .select(['message_cursor', 'summary_version'])
      .where('id', '=', chat)
      .executeTakeFirstOrThrow();
    expect(Number(conversation.message_cursor)).toBeGreaterThanOrEqual(2);
    expect(Number(conversation.summary_version)).toBeGreaterThanOrEqual(1);

    const asked = await turn(harness, chat, 'Which colour do I like best?', key);
    const assembled = prompts.get(asked)?.[0];
    const window = JSON.stringify(assembled?.messages ?? []);
    expect(window).not.toContain('My favourite colour is teal.');
    expect(assembled?.system ?? '').toContain('teal');
  });

  it('agents use remember and recall through /tool directives of the offline model', async () => {
    harness = await createHttpHarness(dialect, { workers: true });
    const prompts = capturePrompts(harness);
    await harness.request('POST', '/v1/agents', {
      body: { name: 'assistant', tools: ['remember', 'recall', 'forget', 'update_memory'] },
    });
    const alice = await createUserKey(harness);
    const chat = await createChat(harness, alice.key);
    const remembered = await turn(
      harness,
      chat,
      '/tool remember {"content":"The deploy password rotates every Friday","type":"procedural"}',
      alice.key,
    );
    const rememberRun = (await (await harness.request('GET', `/v1/runs/${remembered}`)).json()) as RunView;
    const rememberStep = rememberRun.steps.find((step) => step.toolName === 'remember');
    expect(rememberStep?.payload.output).toMatchObject({ action: 'created' });

    const later = await createChat(harness, alice.key);
    const recalled = await turn(
      harness,
      later,
      '/tool recall {"query":"when does the deploy password rotate"}',
      alice.key,
    );
    const recallRun = (await (await harness.request('GET', `/v1/runs/${recalled}`)).json()) as RunView;
    const output = recallRun.steps.find((step) => step.toolName === 'recall')?.payload.output as {
      memories: Array<{ content: string; why: string }>;
    };
    expect(output.memories[0]?.content).toBe('The deploy password rotates every Friday');
    // Two model calls (the tool call, then the answer) share one assembled context.
    expect(recallRun.steps.filter((step) => step.kind === 'model')).toHaveLength(2);
    expect(prompts.get(recalled)).toHaveLength(1);
    expect(await contextEvents(harness, recalled)).toHaveLength(1);
    expect(output.memories[0]?.why).toMatch(/\S/);
    const mine = (await (
      await harness.request('GET', '/v1/memories/search?q=deploy%20password&scope=user&type=procedural', {
        key: alice.key,
      })
    ).json()) as { hits: unknown[] };
    expect(mine.hits).toHaveLength(1);
  });

  it('the scheduler fires the per-org consolidation job', async () => {
    harness = await createHttpHarness(dialect, {
      workers: true,
      env: { COLONY_MEMORY_CONSOLIDATE_CRON: '* * * * * *' },
    });
    await harness.request('POST', '/v1/agents', { body: { name: 'assistant' } });
    const chat = await createChat(harness, harness.keys.member);
    await turn(harness, chat, 'I prefer tea over coffee.', harness.keys.member);
    const job = await harness.colony.database.db
      .selectFrom('scheduled_job')
      .select(['task_kind', 'cron'])
      .where('org_id', '=', harness.orgId)
      .executeTakeFirstOrThrow();
    expect(job).toEqual({ task_kind: memoryConsolidateKind, cron: '* * * * * *' });
    const scheduler = harness.colony.scheduler;
    if (!scheduler) throw new Error('no scheduler');
    let fired = 0;
    for (let attempt = 0; attempt < 100 && fired === 0; attempt++) {
      fired = await scheduler.tick();
      if (fired === 0) await sleep(50);
    }
    expect(fired).toBeGreaterThan(0);
    for (let attempt = 0; attempt < 200; attempt++) {
      const task = await harness.colony.database.db
        .selectFrom('task')
        .select(['status', 'result'])
        .where('kind', '=', memoryConsolidateKind)
        .where('org_id', '=', harness.orgId)
        .executeTakeFirst();
      if (task?.status === 'succeeded') {
        expect(JSON.parse(String(task.result))).toMatchObject({ scopes: 1 });
        await scheduler.stop();
        return;
      }
      await sleep(25);
    }
    throw new Error('consolidation did not run');
  });
});
