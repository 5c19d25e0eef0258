import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isColonyError } from '../errors/index.js';
import { testDialects } from '../storage/test-support/databases.js';
import { createWorkflowHarness, type WorkflowHarness } from './test-support/workflow-harness.js';
import {
  cancelWorkflowRun,
  decideWorkflowApproval,
  getWorkflowRun,
  listWorkflowRuns,
  startWorkflowRun,
} from './workflow-runs.js';
import { applyWorkflow, deleteWorkflow, getWorkflow, listWorkflows, validateWorkflow } from './workflows.js';

/** A `${ … }` template string. */
const expr = (source: string) => `\${ ${source} }`;

async function refusal(promise: Promise<unknown> | (() => unknown)) {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    if (isColonyError(error)) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const pipeline = `
name: pipeline
input:
  type: object
  required: [numbers]
  properties:
    numbers: { type: array, items: { type: number } }
steps:
  - id: total
    type: set
    values:
      sum: \${ $sum($input.numbers) }
      count: \${ $count($input.numbers) }
  - id: size
    type: switch
    cases:
      - when: $steps.total.output.sum > 10
        steps:
          - { id: big, type: set, values: { label: big } }
    default:
      - { id: small, type: set, values: { label: small } }
  - id: both
    type: parallel
    branches:
      - id: left
        steps: [{ id: doubled, type: set, values: { value: "\${ $steps.total.output.sum * 2 }" } }]
      - id: right
        steps: [{ id: halved, type: set, values: { value: "\${ $steps.total.output.sum / 2 }" } }]
  - id: squares
    type: map
    items: $input.numbers
    concurrency: 2
    steps:
      - { id: square, type: set, values: { n: "\${ $item * $item }", at: "\${ $index }" } }
  - id: skipped
    type: set
    if: "false"
    values: { never: true }
result:
  sum: \${ $steps.total.output.sum }
  label: \${ $steps.size.output.label }
  both: \${ $steps.both.output }
  squares: \${ $steps.squares.output.n }
`;

describe.each(testDialects)('workflows on %s', (dialect) => {
  let harness: WorkflowHarness;
  beforeAll(async () => {
    harness = await createWorkflowHarness(dialect);
  });
  afterAll(async () => harness?.cleanup());

  it('refuses a bad definition naming the path and the line', async () => {
    const error = await refusal(() =>
      validateWorkflow(harness.context, 'name: bad\nsteps:\n  - id: one\n    type: teleport\n'),
    );
    expect(error.code).toBe('invalid_input');
    expect(error.details?.problems).toEqual([expect.objectContaining({ path: 'steps.0.type', line: 4 })]);
    const expression = await refusal(() =>
      validateWorkflow(
        harness.context,
        `name: bad\nsteps:\n  - id: one\n    type: set\n    values: { a: "\${ (( }" }\n`,
      ),
    );
    expect(expression.details?.problems).toEqual([
      expect.objectContaining({ path: 'steps.0.values.a', line: 5 }),
    ]);
    const twice = await refusal(() =>
      validateWorkflow(harness.context, {
        name: 'twice',
        steps: [
          { id: 'a', type: 'set', values: {} },
          { id: 'a', type: 'set', values: {} },
        ],
      }),
    );
    expect(twice.details?.fields).toEqual([{ path: 'steps.1.id', message: 'step id "a" is used twice' }]);
    const yaml = await refusal(() => validateWorkflow(harness.context, 'name: [unclosed\n'));
    expect(yaml.details?.problems).toEqual([expect.objectContaining({ path: 'source', line: 2 })]);
  });

  it('versions every apply and runs set, switch, parallel, map and if', async () => {
    const first = await applyWorkflow(harness.context, pipeline);
    const second = await applyWorkflow(harness.context, pipeline.replace('concurrency: 2', 'concurrency: 3'));
    expect([first.version, second.version]).toEqual([1, 2]);
    const detail = await getWorkflow(harness.context, 'pipeline');
    expect(detail.versions.map((version) => version.version)).toEqual([2, 1]);
    expect((await listWorkflows(harness.context)).workflows.map((workflow) => workflow.name)).toContain(
      'pipeline',
    );

    const started = await startWorkflowRun(harness.context, {
      workflow: 'pipeline',
      input: { numbers: [1, 4, 9] },
    });
    expect(started.version).toBe(2);
    const run = await harness.waitFor(started.id);
    expect(run.status).toBe('succeeded');
    expect(run.output).toEqual({
      sum: 14,
      label: 'big',
      both: { left: { value: 28 }, right: { value: 7 } },
      squares: [1, 16, 81],
    });
    const byKey = Object.fromEntries(run.steps.map((step) => [step.key, step.status]));
    expect(byKey).toMatchObject({
      total: 'completed',
      big: 'completed',
      both: 'completed',
      'squares[2].square': 'completed',
      skipped: 'skipped',
    });
    expect(byKey.small).toBeUndefined();
  });

  it('refuses an input that does not match the input schema, naming the field', async () => {
    const error = await refusal(
      startWorkflowRun(harness.context, { workflow: 'pipeline', input: { numbers: ['x'] } }),
    );
    expect(error.details?.fields).toEqual([expect.objectContaining({ path: 'input.numbers.0' })]);
  });

  it('retries a failing step with backoff, then runs its onError branch', async () => {
    await applyWorkflow(harness.context, {
      name: 'flaky',
      steps: [
        {
          id: 'boom',
          type: 'set',
          retry: { maxAttempts: 3, backoffMs: 5 },
          values: { value: expr('$error("broken")') },
          onError: [{ id: 'recover', type: 'set', values: { recovered: expr('$error.message') } }],
        },
      ],
    });
    const run = await harness.waitFor((await startWorkflowRun(harness.context, { workflow: 'flaky' })).id);
    expect(run.status).toBe('succeeded');
    expect(run.output).toEqual({ recovered: expect.stringContaining('broken') });
    const boom = run.steps.find((step) => step.key === 'boom');
    expect(boom).toMatchObject({ status: 'completed', attempts: 3 });
  });

  it('a fail step fails the run with its message', async () => {
    await applyWorkflow(harness.context, {
      name: 'refuser',
      steps: [{ id: 'no', type: 'fail', error: expr('"refused " & $input.who') }],
    });
    const run = await harness.waitFor(
      (await startWorkflowRun(harness.context, { workflow: 'refuser', input: { who: 'bob' } })).id,
    );
    expect(run.status).toBe('failed');
    expect(run.error).toContain('refused bob');
  });

  it('waits for an approval without a worker, then continues; a rejection takes the error branch', async () => {
    await applyWorkflow(harness.context, {
      name: 'gated',
      steps: [
        {
          id: 'ask',
          type: 'approval',
          prompt: expr('"Ship " & $input.what & "?"'),
          onError: [{ id: 'declined', type: 'succeed', output: 'declined' }],
        },
        { id: 'ship', type: 'succeed', output: 'shipped' },
      ],
    });
    const approved = await startWorkflowRun(harness.context, { workflow: 'gated', input: { what: 'v2' } });
    const waiting = await harness.waitFor(approved.id, ['waiting']);
    expect(waiting.steps.find((step) => step.key === 'ask')).toMatchObject({
      status: 'waiting',
      output: { prompt: 'Ship v2?' },
    });
    await decideWorkflowApproval(harness.context, approved.id, 'ask', { approve: true });
    expect((await harness.waitFor(approved.id)).output).toBe('shipped');
    const conflict = await refusal(
      decideWorkflowApproval(harness.context, approved.id, 'ask', { approve: false }),
    );
    expect(conflict.code).toBe('conflict');

    const rejected = await startWorkflowRun(harness.context, { workflow: 'gated', input: { what: 'v3' } });
    await harness.waitFor(rejected.id, ['waiting']);
    const other = await refusal(
      decideWorkflowApproval(harness.otherContext, rejected.id, 'ask', { approve: true }),
    );
    expect(other.code).toBe('not_found');
    await decideWorkflowApproval(harness.context, rejected.id, 'ask', { approve: false, comment: 'not now' });
    expect((await harness.waitFor(rejected.id)).output).toBe('declined');
  });

  it('wait steps and approval timeouts wake the run through a timer task', async () => {
    await applyWorkflow(harness.context, {
      name: 'sleepy',
      steps: [
        { id: 'pause', type: 'wait', durationMs: 100 },
        { id: 'ask', type: 'approval', prompt: 'ok?', timeoutMs: 1000, onTimeout: 'approve' },
      ],
    });
    const started = await startWorkflowRun(harness.context, { workflow: 'sleepy' });
    const run = await harness.waitFor(started.id, ['succeeded', 'failed'], 15_000);
    expect(run.status).toBe('succeeded');
    expect(run.output).toMatchObject({ approved: true, by: 'timeout' });
  });

  it('runs a sub-workflow and cancels it with its parent', async () => {
    await applyWorkflow(harness.context, {
      name: 'child',
      steps: [
        { id: 'hold', type: 'approval', prompt: 'go?', if: '$input.hold = true' },
        { id: 'reply', type: 'set', values: { echoed: expr('$input.value') } },
      ],
    });
    await applyWorkflow(harness.context, {
      name: 'parent',
      steps: [
        {
          id: 'call',
          type: 'workflow',
          workflow: 'child',
          input: { value: expr('$input.value'), hold: expr('$input.hold') },
        },
      ],
    });
    const quick = await harness.waitFor(
      (await startWorkflowRun(harness.context, { workflow: 'parent', input: { value: 7, hold: false } })).id,
    );
    expect(quick.output).toEqual({ echoed: 7 });

    const held = await startWorkflowRun(harness.context, {
      workflow: 'parent',
      input: { value: 8, hold: true },
    });
    const waiting = await harness.waitFor(held.id, ['waiting']);
    const call = waiting.steps.find((step) => step.key === 'call');
    const childRunId = String((call?.output as { childRunId?: string } | undefined)?.childRunId);
    await harness.waitFor(childRunId, ['waiting']);
    const canceled = await cancelWorkflowRun(harness.context, held.id);
    expect(canceled.status).toBe('canceled');
    expect((await getWorkflowRun(harness.context, childRunId)).status).toBe('canceled');
    expect(
      (await listWorkflowRuns(harness.context, { workflow: 'child', status: 'canceled' })).runs.map(
        (run) => run.id,
      ),
    ).toEqual([childRunId]);
  });

  it('hides runs and workflows of another org', async () => {
    const run = await startWorkflowRun(harness.context, { workflow: 'pipeline', input: { numbers: [] } });
    expect((await refusal(getWorkflowRun(harness.otherContext, run.id))).code).toBe('not_found');
    expect((await refusal(cancelWorkflowRun(harness.otherContext, run.id))).code).toBe('not_found');
    expect((await refusal(getWorkflow(harness.otherContext, 'pipeline'))).code).toBe('not_found');
    expect((await refusal(startWorkflowRun(harness.otherContext, { workflow: 'pipeline' }))).code).toBe(
      'not_found',
    );
    await harness.waitFor(run.id);
  });

  it('refuses to delete a workflow with unfinished runs, then deletes it', async () => {
    const run = await startWorkflowRun(harness.context, { workflow: 'gated', input: { what: 'x' } });
    await harness.waitFor(run.id, ['waiting']);
    expect((await refusal(deleteWorkflow(harness.context, 'gated'))).code).toBe('conflict');
    await cancelWorkflowRun(harness.context, run.id);
    await deleteWorkflow(harness.context, 'gated');
    expect((await refusal(getWorkflow(harness.context, 'gated'))).code).toBe('not_found');
  });
});
