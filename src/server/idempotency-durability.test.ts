import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../storage/index.js';
import { testDialects } from '../storage/test-support/databases.js';
import { postInLoops, postMessage } from './test-support/post-loops.js';
import { createServerEnvironment, type ServerEnvironment } from './test-support/server-environment.js';
import { callApi, type SpawnedServer, spawnServer, until } from './test-support/spawn-server.js';

const adminKey = 'colony-test-admin-key-0123456789abcdefghijklmnop';

describe.each(testDialects)('retried message posts after SIGKILL on %s', (dialect) => {
  let setup: ServerEnvironment;
  let server: SpawnedServer | undefined;

  beforeEach(async () => {
    setup = await createServerEnvironment(dialect, { prefix: 'colony-idempotency-crash-', adminKey });
  });

  afterEach(async () => {
    await server?.kill('SIGKILL');
    await setup.cleanup();
  });

  it('a client that retries every post with its key gets each message stored and run exactly once', async () => {
    server = await spawnServer(setup.env);
    await callApi(server.url, adminKey, 'POST', '/v1/agents', { name: 'assistant' });
    const chats: string[] = [];
    for (let index = 0; index < 6; index++) {
      const chat = await callApi<{ id: string }>(server.url, adminKey, 'POST', '/v1/chats', {
        agent: 'assistant',
      });
      chats.push(chat.id);
    }
    // Workers run the agents while 30 clients post: the crash cuts off posts and runs alike.
    const load = postInLoops(server.url, adminKey, chats, { clients: 30, keyed: true });
    await until('150 acknowledged messages', () => (load.acknowledged.length >= 150 ? true : undefined));
    await server.kill('SIGKILL');
    await load.stop();
    const acknowledged = new Map(load.acknowledged.map((post) => [post.key, post.messageId]));

    server = await spawnServer(setup.env);
    const url = server.url;
    for (const post of load.sent) {
      const response = await postMessage(url, adminKey, post, true);
      expect(response.status).toBe(202);
      const body = (await response.json()) as { message: { id: string } };
      const first = acknowledged.get(post.key);
      // An acknowledged post is replayed; one cut off by the crash is replayed when it had in
      // fact been stored, and created now when it had not.
      if (first !== undefined) {
        expect(response.headers.get('Idempotent-Replayed')).toBe('true');
        expect(body.message.id).toBe(first);
      }
    }

    const database = openDatabase({ url: setup.databaseUrl });
    try {
      const db = database.db;
      await until(
        'every run to finish',
        async () => {
          const open = await db
            .selectFrom('run')
            .select('id')
            .where('status', 'not in', ['succeeded', 'failed', 'canceled'])
            .execute();
          return open.length === 0 ? true : undefined;
        },
        120_000,
      );
      const messages = await db.selectFrom('message').select(['id', 'content', 'role', 'run_id']).execute();
      const runs = await db.selectFrom('run').select(['id', 'trigger_message_id', 'status']).execute();
      const userMessages = messages.filter((message) => message.role === 'user');
      // Every post exists exactly once, whatever its first attempt's fate.
      const byContent = new Map<string, number>();
      for (const message of userMessages)
        byContent.set(message.content, (byContent.get(message.content) ?? 0) + 1);
      expect(load.sent.filter((post) => byContent.get(post.content) !== 1)).toEqual([]);
      expect(userMessages).toHaveLength(load.sent.length);
      // Each ran exactly once: one run per message, finished, with one answer.
      expect(runs.map((run) => run.trigger_message_id).sort()).toEqual(userMessages.map((m) => m.id).sort());
      expect(runs.filter((run) => run.status !== 'succeeded')).toEqual([]);
      const answers = messages.filter((message) => message.role === 'assistant');
      expect(answers.map((answer) => answer.run_id).sort()).toEqual(runs.map((run) => run.id).sort());
    } finally {
      await database.close();
    }
  }, 240_000);
});
