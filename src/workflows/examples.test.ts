import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../storage/test-support/databases.js';
import { createWorkflowHarness, type WorkflowHarness } from './test-support/workflow-harness.js';
import { decideWorkflowApproval, startWorkflowRun } from './workflow-runs.js';
import { applyWorkflow } from './workflows.js';

const folder = new URL('../../examples/workflows/', import.meta.url);
const example = (name: string) => readFileSync(new URL(name, folder), 'utf8');
const input = (name: string) => JSON.parse(example(`${name}.input.json`)) as unknown;

/** The workflows of examples/workflows run offline, as a fresh clone has them. */
describe.each(testDialects)('example workflows on %s', (dialect) => {
  let harness: WorkflowHarness;
  beforeAll(async () => {
    harness = await createWorkflowHarness(dialect);
    for (const name of ['team-summary', 'nightly-digest', 'order-triage', 'release-train']) {
      await applyWorkflow(harness.context, example(`${name}.yaml`));
    }
  });
  afterAll(async () => harness?.cleanup());

  it('release-train: parallel checks, a map, an approval, and 10 steps', async () => {
    const run = await startWorkflowRun(harness.context, {
      workflow: 'release-train',
      input: input('release-train'),
    });
    await harness.waitFor(run.id, ['waiting']);
    await decideWorkflowApproval(harness.context, run.id, 'sign-off', { approve: true });
    const done = await harness.waitFor(run.id);
    expect(done.status).toBe('succeeded');
    expect(done.output).toMatchObject({
      tag: 'v1.4.0',
      risk: { total: 100, riskiest: 'New schema' },
      approvedBy: harness.actor.id,
      announcement: 'Release 1.4.0: Faster claims; New schema; Docs',
    });
    expect(done.steps.filter((step) => step.status === 'completed').length).toBeGreaterThanOrEqual(15);
  });

  it('order-triage: retries, the error branch, a switch and the output schema', async () => {
    const run = await startWorkflowRun(harness.context, {
      workflow: 'order-triage',
      input: input('order-triage'),
    });
    const done = await harness.waitFor(run.id);
    expect(done.status).toBe('succeeded');
    expect(done.output).toEqual({ id: 'ord-1', lane: 'review' });
    expect(done.steps.find((step) => step.key === 'fraud-check')).toMatchObject({ attempts: 3 });
  });

  it('nightly-digest: a wait and one sub-workflow per item of a map', async () => {
    const run = await startWorkflowRun(harness.context, {
      workflow: 'nightly-digest',
      input: input('nightly-digest'),
    });
    const done = await harness.waitFor(run.id, ['succeeded', 'failed'], 15_000);
    expect(done.status).toBe('succeeded');
    expect(done.output).toEqual({
      lines: ['CORE: all green', 'ML: all green', 'INFRA: all green'],
      teams: 3,
    });
  });
});
