import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transact } from '../events/index.js';
import { createHttpHarness, type HttpHarness } from '../http/test-support/http-harness.js';
import { maxChatMessageChars } from '../kernel/index.js';
import { testDialects } from '../storage/test-support/databases.js';
import { enqueueTask, type TaskHandler, waitForTask } from '../tasks/index.js';
import { agentTaskResult, startAgentTask } from './agent-task.js';

describe.each(testDialects)('agent runs as child tasks on %s', (dialect) => {
  let harness: HttpHarness;
  let starts = 0;
  beforeAll(async () => {
    const parent: TaskHandler = async (context) => {
      starts++;
      const services = harness.colony.services;
      const child = await context.step('start-child', () =>
        transact(services, (transaction, outbox) =>
          startAgentTask(services, transaction, outbox, {
            orgId: context.task.orgId,
            agent: 'helper',
            content: 'summarize /tool get_time {}',
            title: 'child work',
            parentTaskId: context.task.id,
            createdBy: 'test',
          }),
        ),
      );
      services.runs.afterCommit();
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
      startAgentTask(services, transaction, outbox, {
        orgId: harness.orgId,
        agent: 'helper',
        content: 'plan the trip '.repeat(10_000),
        title: 'a very long brief',
        createdBy: 'test',
      }),
    );
    services.runs.afterCommit();
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
});
