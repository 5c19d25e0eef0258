import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteExpiredRecords } from '../../idempotency/index.js';
import type { Schema } from '../../storage/index.js';
import { testDialects } from '../../storage/test-support/databases.js';
import { createHttpHarness, type HttpHarness } from '../test-support/http-harness.js';

interface CreatingRoute {
  name: string;
  path: () => string;
  body: (n: number) => Record<string, unknown>;
  status: number;
  /** The tables one creation adds a row to. */
  tables: Array<keyof Schema>;
}

describe.each(testDialects)('Idempotency-Key on creating POSTs on %s', (dialect) => {
  let harness: HttpHarness;
  let chatId: string;
  let otherChatId: string;
  let counter = 0;
  const fresh = (prefix: string) => `${prefix.replaceAll(' ', '-')}-${++counter}`;
  beforeAll(async () => {
    harness = await createHttpHarness(dialect);
    await harness.request('POST', '/v1/agents', { body: { name: 'helper' } });
    const chats = [];
    for (let index = 0; index < 2; index++) {
      const response = await harness.request('POST', '/v1/chats', { body: { agent: 'helper' } });
      chats.push(((await response.json()) as { id: string }).id);
    }
    [chatId = '', otherChatId = ''] = chats;
  });
  afterAll(async () => {
    await harness.close();
  });

  const routes: CreatingRoute[] = [
    {
      name: 'agents',
      path: () => '/v1/agents',
      body: (n) => ({ name: `agent-${n}` }),
      status: 201,
      tables: ['agent'],
    },
    {
      name: 'chats',
      path: () => '/v1/chats',
      body: () => ({ agent: 'helper' }),
      status: 201,
      tables: ['conversation'],
    },
    {
      name: 'chat messages',
      path: () => `/v1/chats/${chatId}/messages`,
      body: (n) => ({ content: `hello ${n}` }),
      status: 202,
      tables: ['message', 'run', 'task'],
    },
    {
      name: 'agent messages',
      path: () => '/v1/agents/helper/messages',
      body: (n) => ({ content: `note ${n}` }),
      status: 202,
      tables: ['agent_message', 'run'],
    },
    {
      name: 'tasks',
      path: () => '/v1/tasks',
      body: (n) => ({ kind: 'echo', payload: { n } }),
      status: 201,
      tables: ['task'],
    },
    {
      name: 'missions',
      path: () => '/v1/missions',
      body: (n) => ({ goal: `goal ${n}` }),
      status: 202,
      tables: ['mission'],
    },
    {
      name: 'memories',
      path: () => '/v1/memories',
      body: (n) => ({ content: `The build number is ${n}`, tags: ['build'] }),
      status: 201,
      tables: ['memory'],
    },
  ];

  it.each(routes)('$name: a retry with the same key replays the first response', async (route) => {
    const key = fresh(route.name);
    const body = route.body(counter);
    const first = await harness.request('POST', route.path(), { body, headers: { 'Idempotency-Key': key } });
    expect(first.status).toBe(route.status);
    expect(first.headers.get('Idempotent-Replayed')).toBeNull();
    const firstBody = await first.json();
    const before = await harness.rowCounts([...route.tables, 'audit_log', 'event']);

    // Property order does not matter; the body field works like the header.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    for (const retry of [
      { body, headers: { 'Idempotency-Key': key } },
      { body: reordered, headers: { 'Idempotency-Key': key } },
      ...(route.name === 'tasks' ? [] : [{ body: { ...body, idempotencyKey: key } }]),
    ]) {
      const replayed = await harness.request('POST', route.path(), retry);
      expect(replayed.status).toBe(route.status);
      expect(replayed.headers.get('Idempotent-Replayed')).toBe('true');
      expect(await replayed.json()).toEqual(firstBody);
    }
    expect(await harness.rowCounts([...route.tables, 'audit_log', 'event'])).toEqual(before);

    // Without a key, the same request runs again (a memory folds into the first: 200).
    const again = await harness.request('POST', route.path(), {
      body: route.name === 'agents' ? route.body(counter + 1000) : body,
    });
    expect(again.status).toBe(route.name === 'memories' ? 200 : route.status);
  });

  it('a replay asking for SSE streams the first request’s run from its first event', async () => {
    const key = fresh('streamed');
    const path = `/v1/chats/${chatId}/messages`;
    const first = (await (
      await harness.request('POST', path, {
        body: { content: 'stream me' },
        headers: { 'Idempotency-Key': key },
      })
    ).json()) as { run: { id: string } };
    // No workers here: cancel the run so that its stream ends.
    expect((await harness.request('POST', `/v1/runs/${first.run.id}/cancel`)).status).toBe(200);
    const replayed = await harness.request('POST', path, {
      body: { content: 'stream me' },
      headers: { 'Idempotency-Key': key, Accept: 'text/event-stream' },
    });
    expect(replayed.status).toBe(202);
    expect(replayed.headers.get('Idempotent-Replayed')).toBe('true');
    expect(replayed.headers.get('content-type')).toContain('text/event-stream');
    const text = await replayed.text();
    expect(text.indexOf('event: run-queued')).toBeGreaterThanOrEqual(0);
    expect(text.indexOf('event: run-canceled')).toBeGreaterThan(text.indexOf('event: run-queued'));
    expect(text).toContain(first.run.id);
  });

  it('the same key with another body or path is 422 naming the header', async () => {
    const key = fresh('message');
    const path = `/v1/chats/${chatId}/messages`;
    expect(
      (await harness.request('POST', path, { body: { content: 'a' }, headers: { 'Idempotency-Key': key } }))
        .status,
    ).toBe(202);
    const before = await harness.rowCounts(['message']);
    for (const [otherPath, content] of [
      [path, 'b'],
      [`/v1/chats/${otherChatId}/messages`, 'a'],
    ] as const) {
      const response = await harness.request('POST', otherPath, {
        body: { content },
        headers: { 'Idempotency-Key': key },
      });
      expect(response.status).toBe(422);
      const error = (await response.json()) as {
        error: { code: string; details: { fields: Array<{ path: string }> } };
      };
      expect(error.error.code).toBe('unprocessable');
      expect(error.error.details.fields.map((field) => field.path)).toEqual(['Idempotency-Key']);
    }
    expect(await harness.rowCounts(['message'])).toEqual(before);
  });

  it('refuses a malformed key, and a header that contradicts the body field', async () => {
    const path = `/v1/chats/${chatId}/messages`;
    const before = await harness.rowCounts(['message']);
    for (const request of [
      { body: { content: 'x' }, headers: { 'Idempotency-Key': 'has spaces in it' } },
      { body: { content: 'x' }, headers: { 'Idempotency-Key': 'k'.repeat(256) } },
      { body: { content: 'x', idempotencyKey: 'one' }, headers: { 'Idempotency-Key': 'two' } },
      { body: { content: 'x', idempotencyKey: '' } },
    ]) {
      const response = await harness.request('POST', path, request);
      expect(response.status).toBe(400);
      const error = (await response.json()) as { error: { message: string } };
      expect(error.error.message.toLowerCase()).toContain('idempotency');
    }
    expect(await harness.rowCounts(['message'])).toEqual(before);
  });

  it('keys belong to the caller: another API key’s same key creates its own', async () => {
    const key = fresh('shared');
    const body = { content: 'per caller' };
    const path = `/v1/chats/${chatId}/messages`;
    const mine = await harness.request('POST', path, { body, headers: { 'Idempotency-Key': key } });
    const theirs = await harness.request('POST', path, {
      key: harness.keys.member,
      body,
      headers: { 'Idempotency-Key': key },
    });
    expect(theirs.headers.get('Idempotent-Replayed')).toBeNull();
    const [a, b] = (await Promise.all([mine.json(), theirs.json()])) as Array<{ message: { id: string } }>;
    expect(a?.message.id).not.toBe(b?.message.id);
  });

  it('concurrent duplicates create once; every one answers with the first response', async () => {
    const key = fresh('burst');
    const path = `/v1/chats/${chatId}/messages`;
    const before = await harness.rowCounts(['message', 'run', 'task']);
    const responses = await Promise.all(
      Array.from({ length: 6 }, () =>
        harness.request('POST', path, {
          body: { content: 'only once' },
          headers: { 'Idempotency-Key': key },
        }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(6).fill(202));
    const bodies = (await Promise.all(responses.map((response) => response.json()))) as Array<{
      message: { id: string };
    }>;
    expect(new Set(bodies.map((body) => body.message.id)).size).toBe(1);
    expect(
      responses.filter((response) => response.headers.get('Idempotent-Replayed') === 'true'),
    ).toHaveLength(5);
    const after = await harness.rowCounts(['message', 'run', 'task']);
    expect(after).toEqual({
      message: (before.message ?? 0) + 1,
      run: (before.run ?? 0) + 1,
      task: (before.task ?? 0) + 1,
    });
  });

  it('a failed request stores nothing; the key stays usable', async () => {
    const key = fresh('failing');
    const missing = await harness.request('POST', '/v1/chats/chat_missing/messages', {
      body: { content: 'x' },
      headers: { 'Idempotency-Key': key },
    });
    expect(missing.status).toBe(404);
    const records = await harness.colony.database.db
      .selectFrom('idempotency_record')
      .select('key')
      .where('key', '=', key)
      .execute();
    expect(records).toEqual([]);
  });

  it('a record expires after a day: the key creates again, and the sweep deletes it', async () => {
    const key = fresh('expiring');
    const path = `/v1/chats/${chatId}/messages`;
    const first = (await (
      await harness.request('POST', path, { body: { content: 'x' }, headers: { 'Idempotency-Key': key } })
    ).json()) as { message: { id: string } };
    const db = harness.colony.database.db;
    const row = await db
      .selectFrom('idempotency_record')
      .selectAll()
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    expect(Number(row.expires_at) - Number(row.created_at)).toBe(24 * 60 * 60 * 1000);
    await db
      .updateTable('idempotency_record')
      .set({ expires_at: Date.now() - 1 })
      .where('key', '=', key)
      .execute();
    const second = await harness.request('POST', path, {
      body: { content: 'x' },
      headers: { 'Idempotency-Key': key },
    });
    expect(second.headers.get('Idempotent-Replayed')).toBeNull();
    expect(((await second.json()) as { message: { id: string } }).message.id).not.toBe(first.message.id);

    await db
      .updateTable('idempotency_record')
      .set({ expires_at: Date.now() - 1 })
      .where('key', '=', key)
      .execute();
    expect(await deleteExpiredRecords(db, Date.now())).toBeGreaterThanOrEqual(1);
    expect(await db.selectFrom('idempotency_record').select('key').where('key', '=', key).execute()).toEqual(
      [],
    );
  });

  it('a key-creating retry never returns the plaintext again: 409 naming the key', async () => {
    const key = fresh('api-key');
    const first = await harness.request('POST', '/v1/keys', {
      body: { name: 'ci', role: 'viewer' },
      headers: { 'Idempotency-Key': key },
    });
    expect(first.status).toBe(201);
    const created = (await first.json()) as { apiKey: { id: string }; key: string };
    const before = await harness.rowCounts(['api_key']);
    const retry = await harness.request('POST', '/v1/keys', {
      body: { name: 'ci', role: 'viewer' },
      headers: { 'Idempotency-Key': key },
    });
    expect(retry.status).toBe(409);
    const error = (await retry.json()) as { error: { message: string; details: { apiKey: { id: string } } } };
    expect(error.error.details.apiKey.id).toBe(created.apiKey.id);
    expect(JSON.stringify(error)).not.toContain(created.key);
    expect(await harness.rowCounts(['api_key'])).toEqual(before);
    const stored = await harness.colony.database.db.selectFrom('idempotency_record').select('body').execute();
    expect(stored.some((record) => record.body.includes(created.key))).toBe(false);
  });
});
