import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentRunKind } from '../runtime/index.js';
import { openDatabase } from '../storage/index.js';
import { testDialects } from '../storage/test-support/databases.js';
import { type AcknowledgedPost, postInLoops } from './test-support/post-loops.js';
import { createServerEnvironment, type ServerEnvironment } from './test-support/server-environment.js';
import { callApi, type SpawnedServer, spawnServer, until } from './test-support/spawn-server.js';

const adminKey = 'colony-test-admin-key-0123456789abcdefghijklmnop';

describe.each(testDialects)('accepted messages survive SIGKILL on %s', (dialect) => {
  let setup: ServerEnvironment;
  let server: SpawnedServer | undefined;

  beforeEach(async () => {
    setup = await createServerEnvironment(dialect, {
      prefix: 'colony-accept-crash-',
      adminKey,
      env: { COLONY_NO_WORKERS: 'true' },
    });
  });

  afterEach(async () => {
    await server?.kill('SIGKILL');
    await setup.cleanup();
  });

  it('keeps every acknowledged message with its run and task, and no message without them', async () => {
    server = await spawnServer(setup.env);
    const url = server.url;
    await callApi(url, adminKey, 'POST', '/v1/agents', { name: 'assistant' });
    const chats: string[] = [];
    for (let index = 0; index < 8; index++) {
      chats.push(
        (await callApi<{ id: string }>(url, adminKey, 'POST', '/v1/chats', { agent: 'assistant' })).id,
      );
    }
    // 40 concurrent writers keep the writer's queue full, so commits are shared (group commit on
    // SQLite) when the process is killed.
    const load = postInLoops(url, adminKey, chats, { clients: 40, keyed: false });
    await until('300 acknowledged messages', () => (load.acknowledged.length >= 300 ? true : undefined));
    await server.kill('SIGKILL');
    await load.stop();
    const acknowledged = [...load.acknowledged];

    const database = openDatabase({ url: setup.databaseUrl });
    try {
      const db = database.db;
      const messages = await db
        .selectFrom('message')
        .select(['id', 'conversation_id', 'seq'])
        .where('role', '=', 'user')
        .execute();
      const runs = await db.selectFrom('run').select(['id', 'trigger_message_id', 'task_id']).execute();
      const tasks = await db.selectFrom('task').select('id').where('kind', '=', agentRunKind).execute();
      const messageIds = new Set(messages.map((message) => message.id));
      const runIds = new Set(runs.map((run) => run.id));

      // Nothing acknowledged was lost.
      expect(acknowledged.filter((entry) => !messageIds.has(entry.messageId))).toEqual([]);
      expect(acknowledged.filter((entry) => !runIds.has(entry.runId))).toEqual([]);
      // Nothing half-written: every stored message has exactly one run, every run its task.
      expect(messages.length).toBeGreaterThanOrEqual(acknowledged.length);
      expect(runs.map((run) => run.trigger_message_id).sort()).toEqual([...messageIds].sort());
      const taskIds = new Set(tasks.map((task) => task.id));
      expect(runs.filter((run) => !run.task_id || !taskIds.has(run.task_id))).toEqual([]);
      // Each chat's sequence numbers are dense: no unit left a gap or a duplicate.
      for (const chat of chats) {
        const seqs = messages
          .filter((message) => message.conversation_id === chat)
          .map((message) => Number(message.seq))
          .sort((a, b) => a - b);
        expect(seqs).toEqual(seqs.map((_, index) => index + 1));
      }
    } finally {
      await database.close();
    }

    // The server starts again on the recovered database and serves what was acknowledged.
    server = await spawnServer(setup.env);
    const first = acknowledged[0] as AcknowledgedPost;
    const listed = await callApi<{ messages: Array<{ id: string }> }>(
      server.url,
      adminKey,
      'GET',
      `/v1/chats/${first.chatId}/messages?limit=200`,
    );
    expect(listed.messages.map((message) => message.id)).toContain(first.messageId);
  }, 120_000);
});
