import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../storage/test-support/databases.js';
import { createHttpHarness, type HttpHarness } from '../test-support/http-harness.js';

interface Run {
  id: string;
  status: string;
  output: unknown;
  steps: Array<{ key: string; status: string; output: unknown }>;
}
interface ErrorBody {
  error: {
    code: string;
    details?: { fields?: Array<{ path: string }>; problems?: Array<{ path: string; line?: number }> };
  };
}

const review = `# yaml-language-server: $schema=/v1/workflows/schema.json
name: review
input:
  type: object
  required: [title]
  properties: { title: { type: string } }
steps:
  - id: draft
    type: set
    values: { text: "\${ 'Draft of ' & $input.title }" }
  - id: sign-off
    type: approval
    prompt: "\${ 'Publish ' & $input.title & '?' }"
  - id: publish
    type: set
    values: { published: "\${ $steps.draft.output.text }", by: "\${ $steps.\`sign-off\`.output.by }" }
`;

describe.each(testDialects)('workflow routes on %s', (dialect) => {
  let harness: HttpHarness;

  async function json<T>(response: Promise<Response>, status = 200): Promise<T> {
    const resolved = await response;
    expect(resolved.status, await resolved.clone().text()).toBe(status);
    return (await resolved.json()) as T;
  }
  async function waitFor(id: string, statuses: string[]): Promise<Run> {
    for (let waited = 0; waited < 15_000; waited += 20) {
      const run = await json<Run>(harness.request('GET', `/v1/workflow-runs/${id}`));
      if (statuses.includes(run.status)) return run;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`run ${id} never reached ${statuses.join('/')}`);
  }

  beforeAll(async () => {
    harness = await createHttpHarness(dialect, { workers: true });
  });
  afterAll(async () => harness?.close());

  it('serves the JSON Schema of definitions', async () => {
    const schema = await json<{ $schema: string; properties: Record<string, unknown> }>(
      harness.request('GET', '/v1/workflows/schema.json'),
    );
    expect(schema.$schema).toContain('json-schema.org');
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['name', 'steps', 'input']));
  });

  it('refuses a bad definition with the path and line, and writes nothing', async () => {
    const before = await harness.rowCounts(['workflow', 'workflow_version', 'audit_log']);
    const body = await json<ErrorBody>(
      harness.request('POST', '/v1/workflows', {
        body: { source: 'name: broken\nsteps:\n  - id: a\n    type: set\n    values: 3\n' },
      }),
      400,
    );
    expect(body.error.details?.problems?.[0]).toMatchObject({ path: 'steps.0.values', line: 5 });
    const neither = await json<ErrorBody>(harness.request('POST', '/v1/workflows', { body: {} }), 400);
    expect(neither.error.details?.fields?.[0]?.path).toMatch(/source$/);
    expect(await harness.rowCounts(['workflow', 'workflow_version', 'audit_log'])).toEqual(before);
  });

  it('applies YAML, runs it through an approval, and streams its events', async () => {
    const applied = await json<{ name: string; version: number }>(
      harness.request('POST', '/v1/workflows', { body: { source: review } }),
      201,
    );
    expect(applied).toMatchObject({ name: 'review', version: 1 });
    const again = await json<{ version: number }>(
      harness.request('POST', '/v1/workflows', { body: { source: review } }),
      201,
    );
    expect(again.version).toBe(1);

    const badInput = await json<ErrorBody>(
      harness.request('POST', '/v1/workflow-runs', { body: { workflow: 'review', input: { title: 3 } } }),
      400,
    );
    expect(badInput.error.details?.fields?.[0]?.path).toBe('input.title');

    const started = await json<Run>(
      harness.request('POST', '/v1/workflow-runs', { body: { workflow: 'review', input: { title: 'Q3' } } }),
      201,
    );
    const waiting = await waitFor(started.id, ['waiting']);
    expect(waiting.steps.find((step) => step.key === 'sign-off')).toMatchObject({
      status: 'waiting',
      output: { prompt: 'Publish Q3?' },
    });
    await json(
      harness.request('POST', `/v1/workflow-runs/${started.id}/approvals`, {
        key: harness.keys.otherOrg,
        body: { step: 'sign-off', approve: true },
      }),
      404,
    );
    const decided = await harness.request('POST', `/v1/workflow-runs/${started.id}/approvals`, {
      body: { step: 'sign-off', approve: true },
    });
    expect(decided.status).toBe(200);
    expect((await harness.auditOf(decided)).map((row) => row.action)).toEqual(['workflow_run.approve']);
    const done = await waitFor(started.id, ['succeeded', 'failed']);
    expect(done.output).toMatchObject({ published: 'Draft of Q3' });

    const stream = await harness.request('GET', `/v1/workflow-runs/${started.id}/events`);
    const types = [...(await stream.text()).matchAll(/"type":"(workflow-[a-z-]+)"/g)].map(
      (match) => match[1],
    );
    expect(types[0]).toBe('workflow-run-started');
    expect(types).toContain('workflow-step-waiting');
    expect(types).toContain('workflow-approval-decided');
    expect(types.at(-1)).toBe('workflow-run-succeeded');
  });

  it('hides another org’s workflows and runs', async () => {
    const run = await json<Run>(
      harness.request('POST', '/v1/workflow-runs', { body: { workflow: 'review', input: { title: 'x' } } }),
      201,
    );
    const other = { key: harness.keys.otherOrg };
    await json(harness.request('GET', '/v1/workflows/review', other), 404);
    await json(harness.request('GET', `/v1/workflow-runs/${run.id}`, other), 404);
    await json(harness.request('POST', `/v1/workflow-runs/${run.id}/cancel`, other), 404);
    await json(harness.request('DELETE', '/v1/workflows/review', other), 404);
    const canceled = await json<Run>(harness.request('POST', `/v1/workflow-runs/${run.id}/cancel`));
    expect(canceled.status).toBe('canceled');
    const page = await json<{ runs: Run[] }>(harness.request('GET', '/v1/workflow-runs?status=canceled'));
    expect(page.runs.map((item) => item.id)).toEqual([run.id]);
  });
});
