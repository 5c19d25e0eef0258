import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../context/index.js';
import { transact, type UnitOfWork } from '../events/index.js';
import { createHttpHarness, type HttpHarness } from '../http/test-support/http-harness.js';
import { maxChatMessageChars } from '../kernel/index.js';
import { testDialects } from '../storage/test-support/databases.js';
import { enqueueTask, type TaskHandler, waitForTask } from '../tasks/index.js';
import { type AgentTaskContext, agentTaskResult, startAgentTask } from './agent-task.js';

describe.each(testDialects)('agent runs as child tasks on %s', (dialect) => {
  let harness: HttpHarness;
  let starts = 0;
  beforeAll(async () => {
    const parent: TaskHandler = async (context) => {
      starts++;
      const services = harness.colony.services;
      const child = await context.step('start-child', () =>
        startAgentTask(
          { services, actor: systemActor(context.task.orgId, 'test'), signal: context.signal },
          {
            orgId: context.task.orgId,
            agent: 'helper',
            content: 'summarize /tool get_time {}',
            title: 'child work',
            parentTaskId: context.task.id,
            createdBy: 'test',
          },
        ),
      );
      const result = await agentTaskResult(services, child.runId);
      if (!['succeeded', 'failed', 'canceled'].includes(result.status))
        return context.suspend('waiting for the child run');
      return { childRun: child.runId, text: result.text, status: result.status };
    };
    harness = await createHttpHarness(dialect, { workers: true, handlers: { 'test-parent': parent } });
    await harness.request('POST', '/v1/agents', { body: { name: 'helper', tools: ['get_time'] } });
  });
  afterAll(async () => {
    await harness.close();
  });

  it('a waiting parent task resumes with the child run’s answer', async () => {
    const services = harness.colony.services;
    const task = await enqueueTask(services, { orgId: harness.orgId, kind: 'test-parent' });
    const done = await waitForTask(services, task.id, { timeoutMs: 20_000 });
    expect(done.status).toBe('succeeded');
    const result = done.result as { text: string; status: string; childRun: string };
    expect(result.status).toBe('succeeded');
    expect(result.text).toContain('Tool get_time returned');
    expect(starts).toBe(2);
    const child = await services.database.db
      .selectFrom('task')
      .select('parent_id')
      .where('payload', 'like', `%${result.childRun}%`)
      .executeTakeFirst();
    expect(child?.parent_id).toBe(task.id);
  });

  it('holds the text that starts an agent to the limit of a chat message, and the run succeeds', async () => {
    const services = harness.colony.services;
    const started = await transact(services, (transaction, outbox) =>
      startAgentTask(joinedContext({ transaction, outbox }), {
        orgId: harness.orgId,
        agent: 'helper',
        content: 'plan the trip '.repeat(10_000),
        title: 'a very long brief',
        createdBy: 'test',
      }),
    );
    const message = await services.database.db
      .selectFrom('message')
      .select(['content', 'parts'])
      .where('id', '=', started.messageId)
      .executeTakeFirstOrThrow();
    expect(message.content).toHaveLength(maxChatMessageChars);
    expect(message.content).toMatch(/… \[truncated \d+ chars\]$/);
    expect(message.parts).toContain('truncated');
    const run = await harness.waitForRun(started.runId);
    expect(run.status).toBe('succeeded');
  });

  it('writes its audit row in the caller’s transaction, and numbers its message through chats/', async () => {
    const services = harness.colony.services;
    const started = await transact(services, (transaction, outbox) =>
      startAgentTask(joinedContext({ transaction, outbox }), {
        orgId: harness.orgId,
        agent: 'helper',
        content: 'count the stars',
        title: 'audited',
        createdBy: 'test',
      }),
    );
    const audit = await services.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('resource_id', '=', started.runId)
      .execute();
    expect(audit.map((row) => [row.action, row.actor_kind, row.actor_id, row.org_id])).toEqual([
      ['agent-task.start', 'system', 'delegating-agent', harness.orgId],
    ]);
    const chat = await services.database.db
      .selectFrom('conversation')
      .select('last_message_seq')
      .where('id', '=', started.chatId)
      .executeTakeFirstOrThrow();
    expect(Number(chat.last_message_seq)).toBe(1);
    await harness.waitForRun(started.runId);
  });

  it('leaves no chat, message, run or audit row when the caller’s change fails', async () => {
    const services = harness.colony.services;
    let runId = '';
    const failing = transact(services, async (transaction, outbox) => {
      const started = await startAgentTask(joinedContext({ transaction, outbox }), {
        orgId: harness.orgId,
        agent: 'helper',
        content: 'never runs',
        title: 'rolled back',
        createdBy: 'test',
      });
      runId = started.runId;
      throw new Error('the caller fails after starting the agent');
    });
    await expect(failing).rejects.toThrow('the caller fails');
    expect(runId).not.toBe('');
    const db = services.database.db;
    const left = await Promise.all([
      db.selectFrom('audit_log').select('id').where('resource_id', '=', runId).execute(),
      db.selectFrom('run').select('id').where('id', '=', runId).execute(),
      db.selectFrom('conversation').select('id').where('title', '=', 'rolled back').execute(),
      db.selectFrom('message').select('id').where('content', '=', 'never runs').execute(),
    ]);
    expect(left.map((rows) => rows.length)).toEqual([0, 0, 0, 0]);
  });

  function joinedContext(unitOfWork: UnitOfWork): AgentTaskContext {
    return {
      services: harness.colony.services,
      actor: systemActor(harness.orgId, 'delegating-agent'),
      signal: new AbortController().signal,
      unitOfWork,
    };
  }
});
