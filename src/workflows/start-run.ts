import type { Transaction } from 'kysely';
import type { Services } from '../context/index.js';
import { ColonyError } from '../errors/index.js';
import type { Outbox } from '../events/index.js';
import { type Schema, toJson } from '../storage/index.js';
import { enqueueTask } from '../tasks/index.js';
import type { StepOf } from './definition-schema.js';
import type { Execution } from './execution.js';
import { validateAgainst } from './json-schema.js';
import { loadRunRow, runEvent, toRun, type WorkflowRun, workflowRunKind } from './run-store.js';
import { writeStep } from './step-records.js';
import { loadWorkflowVersion, type Workflow, type WorkflowVersion } from './workflows.js';

/** How deep sub-workflows may nest (a workflow that starts itself stops here). */
export const maxWorkflowDepth = 8;

export interface NewRun {
  orgId: string;
  createdBy: string;
  workflow: Workflow;
  version: WorkflowVersion;
  input: unknown;
  parent?: { runId: string; stepKey: string; taskId: string };
}

/**
 * Inserts a run and its `workflow-run` task in the caller's transaction (a sub-workflow's task is
 * a child of its parent's, so canceling the parent reaches it). The input must match the
 * version's `input` schema (400 naming the field).
 */
export async function startRunIn(
  services: Services,
  transaction: Transaction<Schema>,
  outbox: Outbox,
  spec: NewRun,
): Promise<WorkflowRun> {
  const { definition } = spec.version;
  if (definition.input) validateAgainst(definition.input, spec.input, 'input');
  const now = services.clock.now();
  const id = services.ids.next('wfr');
  const taskId = services.ids.next('tsk');
  await transaction
    .insertInto('workflow_run')
    .values({
      id,
      org_id: spec.orgId,
      workflow_id: spec.workflow.id,
      workflow_name: spec.workflow.name,
      version: spec.version.version,
      status: 'running',
      input: toJson(spec.input ?? null),
      output: null,
      error: null,
      task_id: taskId,
      parent_run_id: spec.parent?.runId ?? null,
      parent_step_key: spec.parent?.stepKey ?? null,
      created_by: spec.createdBy,
      created_at: now,
      updated_at: now,
      finished_at: null,
    })
    .execute();
  await enqueueTask(
    services,
    {
      id: taskId,
      orgId: spec.orgId,
      kind: workflowRunKind,
      payload: { runId: id },
      parentId: spec.parent?.taskId ?? null,
      maxAttempts: 10,
    },
    transaction,
  );
  const run = toRun(await loadRunRow(transaction, spec.orgId, id));
  await outbox.emit(
    runEvent(run, 'workflow-run-started', { version: run.version, parentRunId: run.parentRunId }),
  );
  return run;
}

async function depthOf(transaction: Transaction<Schema>, orgId: string, runId: string): Promise<number> {
  let depth = 1;
  let current: string | null = runId;
  while (current && depth <= maxWorkflowDepth) {
    const row = await loadRunRow(transaction, orgId, current);
    current = row.parent_run_id;
    if (current) depth++;
  }
  return depth;
}

/** A `workflow` step's child run, started in the same commit as the step's `waiting` row. */
export async function startChildRun(
  execution: Execution,
  step: StepOf<'workflow'>,
  key: string,
  attempt: number,
  input: unknown,
): Promise<void> {
  const { services, run } = execution;
  const found = await loadWorkflowVersion(services.database.db, run.orgId, step.workflow, step.version);
  let childRunId = '';
  await writeStep(
    execution,
    { step, key, attempt, status: 'waiting', started: true, reason: 'sub-workflow' },
    async (transaction, outbox) => {
      if ((await depthOf(transaction, run.orgId, run.id)) >= maxWorkflowDepth) {
        throw new ColonyError('invalid_input', `${key}: sub-workflows nest deeper than ${maxWorkflowDepth}`);
      }
      const child = await startRunIn(services, transaction, outbox, {
        orgId: run.orgId,
        createdBy: run.createdBy,
        workflow: found.workflow,
        version: found.version,
        input,
        parent: { runId: run.id, stepKey: key, taskId: run.taskId },
      });
      childRunId = child.id;
      await transaction
        .updateTable('workflow_step')
        .set({ output: toJson({ childRunId }) })
        .where('run_id', '=', run.id)
        .where('step_key', '=', key)
        .execute();
    },
  );
  const memo = execution.memo.get(key);
  if (memo) memo.output = { childRunId };
}
