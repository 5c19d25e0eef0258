import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testDialects } from '../storage/test-support/databases.js';
import { defineTaskHandler } from './define-task-handler.js';
import { enqueueTask } from './enqueue-task.js';
import { createTaskHarness, type TaskHarness } from './test-support/harness.js';
import { waitForTask } from './wait-for-task.js';

describe.each(testDialects)('defineTaskHandler on %s', (dialect) => {
  let harness: TaskHarness;
  const seen: string[] = [];
  beforeEach(async () => {
    seen.length = 0;
    harness = await createTaskHarness(dialect);
    const greet = defineTaskHandler(z.object({ name: z.string() }), async (_context, { name }) => {
      seen.push(name);
      return { greeting: `hello ${name}` };
    });
    harness.pool({ handlers: { greet } });
  });
  afterEach(async () => {
    await harness.cleanup();
  });

  it('hands the handler its parsed payload', async () => {
    const { services, orgId } = harness;
    const task = await enqueueTask(services, { orgId, kind: 'greet', payload: { name: 'ada' } });
    const done = await waitForTask(services, task.id, { timeoutMs: 10_000 });
    expect(done.status).toBe('succeeded');
    expect(done.result).toEqual({ greeting: 'hello ada' });
  });

  it('fails a task whose payload does not match at once, naming the field', async () => {
    const { services, orgId } = harness;
    const task = await enqueueTask(services, { orgId, kind: 'greet', payload: { name: 7 }, maxAttempts: 5 });
    const done = await waitForTask(services, task.id, { timeoutMs: 10_000 });
    expect(done.status).toBe('failed');
    expect(done.attempts).toBe(1);
    expect(done.lastError).toContain('payload.name');
    expect(seen).toEqual([]);
  });
});
