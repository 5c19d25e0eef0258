import type { Kysely } from 'kysely';
import { notFound } from '../errors/index.js';
import type { NewEvent } from '../events/index.js';
import { parseJson, type Row, type Schema } from '../storage/index.js';

export const workflowRunKind = 'workflow-run';
export const workflowTimerKind = 'workflow-timer';

export const runStatuses = ['running', 'waiting', 'succeeded', 'failed', 'canceled'] as const;
export type WorkflowRunStatus = (typeof runStatuses)[number];
export const unfinishedRunStatuses: readonly WorkflowRunStatus[] = ['running', 'waiting'];

/**
 * `running` and `waiting` are in progress; `decided` is a waiting step whose answer arrived (an
 * approval, a sub-workflow's end) and which the run takes up when it resumes; `handling` is a step
 * that failed for good and whose `onError` steps are running.
 */
export type StepStatus = 'running' | 'waiting' | 'decided' | 'handling' | 'completed' | 'skipped' | 'failed';

export interface WorkflowRun {
  id: string;
  orgId: string;
  workflowId: string;
  workflow: string;
  version: number;
  status: WorkflowRunStatus;
  input: unknown;
  output: unknown;
  error: string | null;
  taskId: string;
  parentRunId: string | null;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

export interface WorkflowStepState {
  key: string;
  stepId: string;
  type: string;
  status: StepStatus;
  attempts: number;
  output: unknown;
  error: string | null;
  wakeAt: number | null;
  startedAt: number;
  finishedAt: number | null;
}

export function toRun(row: Row<'workflow_run'>): WorkflowRun {
  return {
    id: row.id,
    orgId: row.org_id,
    workflowId: row.workflow_id,
    workflow: row.workflow_name,
    version: Number(row.version),
    status: row.status as WorkflowRunStatus,
    input: parseJson<unknown>(row.input, null),
    output: row.output === null ? null : parseJson<unknown>(row.output, null),
    error: row.error,
    taskId: row.task_id,
    parentRunId: row.parent_run_id,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
  };
}

export function toStepState(row: Row<'workflow_step'>): WorkflowStepState {
  return {
    key: row.step_key,
    stepId: row.step_id,
    type: row.type,
    status: row.status as StepStatus,
    attempts: Number(row.attempts),
    output: row.output === null ? null : parseJson<unknown>(row.output, null),
    error: row.error,
    wakeAt: row.wake_at === null ? null : Number(row.wake_at),
    startedAt: Number(row.started_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
  };
}

export async function loadRunRow(executor: Kysely<Schema>, orgId: string, runId: string) {
  const row = await executor
    .selectFrom('workflow_run')
    .selectAll()
    .where('id', '=', runId)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  if (!row) throw notFound('workflow run', runId);
  return row;
}

export async function loadStepStates(executor: Kysely<Schema>, runId: string): Promise<WorkflowStepState[]> {
  const rows = await executor
    .selectFrom('workflow_step')
    .selectAll()
    .where('run_id', '=', runId)
    .orderBy('started_at')
    .orderBy('step_key')
    .execute();
  return rows.map(toStepState);
}

type RunEventType = Extract<NewEvent['type'], `workflow-${string}`>;

/** A run's event, with the run as subject (`/v1/workflow-runs/{id}/events` filters on it). */
export function runEvent<T extends RunEventType>(
  run: { id: string; orgId: string; workflow: string },
  type: T,
  payload: Omit<Extract<NewEvent, { type: T }>['payload'], 'runId' | 'workflow'>,
): NewEvent {
  return {
    type,
    orgId: run.orgId,
    subjectId: run.id,
    payload: { runId: run.id, workflow: run.workflow, ...payload },
  } as NewEvent;
}
