import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../context/index.js';
import { until } from '../../server/test-support/spawn-server.js';
import { testDialects } from '../../storage/test-support/databases.js';
import { enqueueTask } from '../../tasks/index.js';
import { createHttpHarness, type HttpHarness } from '../test-support/http-harness.js';

interface Task {
  id: string;
  kind: string;
  status: string;
  result: unknown;
  payload: unknown;
  idempotencyKey: string | null;
  concurrencyKey: string | null;
  lastError: string | null;
}

interface TaskDetail extends Task {
  dependsOn: string[];
  attempts: number;
  attemptLog: Array<{ attempt: number; outcome: string; error: { code: string | null; message: string } }>;
}

interface ErrorBody {
  error: { code: string; message: string; details?: { fields?: Array<{ path: string }> } };
}

const tables = ['task', 'task_dependency', 'event', 'audit_log'] as const;

async function json<T>(response: Response | Promise<Response>): Promise<T> {
  return (await (await response).json()) as T;
}

describe.each(testDialects)('tasks API authorization and validation on %s', (dialect) => {
  let harness: HttpHarness;
  let taskId: string;

  const counts = () => harness.rowCounts(tables);

  beforeAll(async () => {
    harness = await createHttpHarness(dialect, { config: { bodyLimitBytes: 4096 } });
    const response = await harness.request('POST', '/v1/tasks', {
      key: harness.keys.member,
      body: { kind: 'echo', payload: { hello: 'world' } },
    });
    expect(response.status).toBe(201);
    taskId = (await json<Task>(response)).id;
  });
  afterAll(async () => {
    await harness.close();
  });

  const routes: Array<{ name: string; method: string; path: () => string; minimum: Role; body?: unknown }> = [
    { name: 'create', method: 'POST', path: () => '/v1/tasks', minimum: 'member', body: { kind: 'noop' } },
    { name: 'list', method: 'GET', path: () => '/v1/tasks', minimum: 'viewer' },
    { name: 'get', method: 'GET', path: () => `/v1/tasks/${taskId}`, minimum: 'viewer' },
    { name: 'cancel', method: 'POST', path: () => `/v1/tasks/${taskId}/cancel`, minimum: 'member' },
  ];

  it.each(routes)('$name: 401 without a key or with a bad key', async (route) => {
    for (const key of [null, 'ck_aaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'garbage']) {
      const response = await harness.request(route.method, route.path(), { key, body: route.body });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'unauthenticated' } });
    }
  });

  it.each(routes.filter((route) => route.minimum === 'member'))('$name: 403 for a viewer', async (route) => {
    const before = await counts();
    const response = await harness.request(route.method, route.path(), {
      key: harness.keys.viewer,
      body: route.body,
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: 'forbidden' } });
    expect(await counts()).toEqual(before);
  });

  it.each(routes.filter((route) => route.path().includes('tsk_')))(
    '$name: 404 for another org',
    async (route) => {
      const before = await counts();
      const response = await harness.request(route.method, route.path(), { key: harness.keys.otherOrg });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
      expect(await counts()).toEqual(before);
    },
  );

  it('describes the task routes in /openapi.json', async () => {
    const spec = await json<{
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: object };
    }>(harness.request('GET', '/openapi.json', { key: null }));
    expect(Object.keys(spec.paths['/v1/tasks'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(spec.paths['/v1/tasks/{id}'] ?? {})).toEqual(['get']);
    expect(Object.keys(spec.paths['/v1/tasks/{id}/cancel'] ?? {})).toEqual(['post']);
    expect(Object.keys(spec.components.schemas)).toEqual(expect.arrayContaining(['Task', 'TaskDetail']));
  });

  it('viewers can read', async () => {
    expect((await harness.request('GET', '/v1/tasks', { key: harness.keys.viewer })).status).toBe(200);
    const detail = await json<TaskDetail>(
      harness.request('GET', `/v1/tasks/${taskId}`, { key: harness.keys.viewer }),
    );
    expect(detail).toMatchObject({ id: taskId, kind: 'echo', payload: { hello: 'world' }, attemptLog: [] });
  });

  it('another org does not see this org’s tasks in its list', async () => {
    const page = await json<{ tasks: Task[] }>(
      harness.request('GET', '/v1/tasks', { key: harness.keys.otherOrg }),
    );
    expect(page.tasks).toEqual([]);
  });

  const invalid: Array<{ name: string; body: unknown; field: string }> = [
    { name: 'an empty kind', body: { kind: '' }, field: 'kind' },
    {
      name: 'agent-run (not enqueueable)',
      body: { kind: 'agent-run', payload: { runId: 'x' } },
      field: 'kind',
    },
    { name: 'an unknown kind', body: { kind: 'rm-rf' }, field: 'kind' },
    { name: 'a bad sleep payload', body: { kind: 'sleep', payload: { ms: -1 } }, field: 'payload.ms' },
    { name: 'a fractional priority', body: { kind: 'noop', priority: 1.5 }, field: 'priority' },
    { name: 'zero attempts', body: { kind: 'noop', maxAttempts: 0 }, field: 'maxAttempts' },
    { name: 'an unknown field', body: { kind: 'noop', parentId: 'tsk_x' }, field: '' },
    {
      name: 'a missing dependency',
      body: { kind: 'noop', dependsOn: ['tsk_missing'] },
      field: 'dependsOn.0',
    },
  ];

  it.each(invalid)('POST /v1/tasks with $name: 400 naming $field', async ({ body, field }) => {
    const before = await counts();
    const response = await harness.request('POST', '/v1/tasks', { body });
    expect(response.status).toBe(400);
    const error = await json<ErrorBody>(response);
    expect(error.error.code).toBe('invalid_input');
    const paths = error.error.details?.fields?.map((entry) => entry.path) ?? [];
    expect(
      paths.some((path) => path === field || path === `json.${field}` || (!field && path === 'json')),
    ).toBe(true);
    expect(await counts()).toEqual(before);
  });

  it('a dependency of another org is not found as a dependency (400)', async () => {
    const response = await harness.request('POST', '/v1/tasks', {
      key: harness.keys.otherOrg,
      body: { kind: 'noop', dependsOn: [taskId] },
    });
    expect(response.status).toBe(400);
    expect((await json<ErrorBody>(response)).error.details?.fields?.[0]?.path).toBe('dependsOn.0');
  });

  it('GET /v1/tasks with an unknown status: 400 naming status', async () => {
    const response = await harness.request('GET', '/v1/tasks?status=ready,bogus');
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('status');
  });

  it('413 on an oversize body', async () => {
    const before = await counts();
    const response = await harness.request('POST', '/v1/tasks', {
      body: { kind: 'echo', payload: { padding: 'x'.repeat(10_000) } },
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    expect(await counts()).toEqual(before);
  });

  it('an idempotency key returns the existing task (200) and stays in the API namespace', async () => {
    const first = await harness.request('POST', '/v1/tasks', {
      body: { kind: 'noop', idempotencyKey: 'nightly-1', concurrencyKey: 'reports' },
    });
    expect(first.status).toBe(201);
    const created = await json<Task>(first);
    expect(created).toMatchObject({ idempotencyKey: 'nightly-1', concurrencyKey: 'reports' });
    const again = await harness.request('POST', '/v1/tasks', {
      body: { kind: 'noop', idempotencyKey: 'nightly-1' },
    });
    expect(again.status).toBe(200);
    expect((await json<Task>(again)).id).toBe(created.id);
    const row = await harness.colony.database.db
      .selectFrom('task')
      .select(['idempotency_key', 'concurrency_key'])
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(row.idempotency_key).toBe(`api:${harness.orgId}:nightly-1`);
    expect(row.concurrency_key).toBe(`api:${harness.orgId}:reports`);
  });

  it('cancel of an agent-run task cancels its run', async () => {
    await harness.request('POST', '/v1/agents', { body: { name: 'helper' } });
    const chat = await json<{ id: string }>(
      harness.request('POST', '/v1/chats', { body: { agent: 'helper' } }),
    );
    const posted = await json<{ run: { id: string } }>(
      harness.request('POST', `/v1/chats/${chat.id}/messages`, { body: { content: 'hi' } }),
    );
    const run = await json<{ taskId: string }>(harness.request('GET', `/v1/runs/${posted.run.id}`));
    const canceled = await json<Task>(
      harness.request('POST', `/v1/tasks/${run.taskId}/cancel`, { key: harness.keys.member }),
    );
    expect(canceled.status).toBe('canceled');
    const after = await json<{ status: string }>(harness.request('GET', `/v1/runs/${posted.run.id}`));
    expect(after.status).toBe('canceled');
  });
});

describe.each(testDialects)('tasks API with workers on %s', (dialect) => {
  let harness: HttpHarness;
  beforeAll(async () => {
    harness = await createHttpHarness(dialect, { workers: true });
  });
  afterAll(async () => {
    await harness.close();
  });

  const finished = (id: string) =>
    until(`task ${id} to finish`, async () => {
      const task = await json<TaskDetail>(harness.request('GET', `/v1/tasks/${id}`));
      return ['succeeded', 'failed', 'canceled'].includes(task.status) ? task : undefined;
    });

  it('runs an echo task, filters the list by status and kind, and pages with a cursor', async () => {
    const created = await json<Task>(
      harness.request('POST', '/v1/tasks', {
        key: harness.keys.member,
        body: { kind: 'echo', payload: [1, 2] },
      }),
    );
    expect(created.status).toBe('ready');
    const done = await finished(created.id);
    expect(done).toMatchObject({ status: 'succeeded', result: [1, 2], attempts: 1, attemptLog: [] });

    const delayed = await json<Task>(
      harness.request('POST', '/v1/tasks', { body: { kind: 'noop', runAt: Date.now() + 3_600_000 } }),
    );
    const ready = await json<{ tasks: Task[] }>(harness.request('GET', '/v1/tasks?status=ready'));
    expect(ready.tasks.map((task) => task.id)).toEqual([delayed.id]);
    const echoes = await json<{ tasks: Task[] }>(
      harness.request('GET', '/v1/tasks?kind=echo&status=succeeded'),
    );
    expect(echoes.tasks.map((task) => task.id)).toEqual([created.id]);

    const first = await json<{ tasks: Task[]; nextCursor: string | null }>(
      harness.request('GET', '/v1/tasks?limit=1'),
    );
    expect(first.tasks.map((task) => task.id)).toEqual([delayed.id]);
    expect(first.nextCursor).not.toBeNull();
    const second = await json<{ tasks: Task[] }>(
      harness.request('GET', `/v1/tasks?limit=1&cursor=${first.nextCursor}`),
    );
    expect(second.tasks.map((task) => task.id)).toEqual([created.id]);
  });

  it('keeps every attempt’s error: a sleep that times out twice is dead-lettered', async () => {
    const created = await json<Task>(
      harness.request('POST', '/v1/tasks', {
        body: { kind: 'sleep', payload: { ms: 10_000 }, timeoutMs: 30, maxAttempts: 2 },
      }),
    );
    const done = await finished(created.id);
    expect(done.status).toBe('failed');
    expect(done.attempts).toBe(2);
    expect(done.attemptLog.map((attempt) => [attempt.attempt, attempt.outcome, attempt.error.code])).toEqual([
      [1, 'failed', 'timeout'],
      [2, 'failed', 'timeout'],
    ]);
  });

  it('runs a task after its dependencies, and cancel reaches a running task and its children', async () => {
    const first = await json<Task>(
      harness.request('POST', '/v1/tasks', { body: { kind: 'echo', payload: 'a' } }),
    );
    const joined = await json<Task>(
      harness.request('POST', '/v1/tasks', { body: { kind: 'echo', payload: 'b', dependsOn: [first.id] } }),
    );
    expect((await finished(joined.id)).status).toBe('succeeded');
    const detail = await json<TaskDetail>(harness.request('GET', `/v1/tasks/${joined.id}`));
    expect(detail.dependsOn).toEqual([first.id]);

    const parent = await json<Task>(
      harness.request('POST', '/v1/tasks', { body: { kind: 'sleep', payload: { ms: 60_000 } } }),
    );
    const child = await enqueueTask(harness.colony.services, {
      orgId: harness.orgId,
      kind: 'sleep',
      payload: { ms: 60_000 },
      parentId: parent.id,
      runAt: Date.now() + 3_600_000,
    });
    await until('the parent to run', async () => {
      const task = await json<Task>(harness.request('GET', `/v1/tasks/${parent.id}`));
      return task.status === 'running' ? task : undefined;
    });
    const canceled = await json<Task>(harness.request('POST', `/v1/tasks/${parent.id}/cancel`));
    expect(canceled.status).toBe('canceled');
    expect((await json<Task>(harness.request('GET', `/v1/tasks/${child.id}`))).status).toBe('canceled');
    // Canceling a finished task changes nothing.
    const again = await harness.request('POST', `/v1/tasks/${parent.id}/cancel`);
    expect(again.status).toBe(200);
    expect((await json<Task>(again)).status).toBe('canceled');
  });
});
