import type { Kysely } from 'kysely';
import { notFound } from '../errors/index.js';
import type { Row, Schema } from '../storage/index.js';
import { parseJson } from '../storage/index.js';
import type { ModelStepPayload, Run, RunStatus, RunStep, ToolStepPayload } from './run-types.js';

export function toRun(row: Row<'run'>): Run {
  return {
    id: row.id,
    orgId: row.org_id,
    chatId: row.conversation_id,
    agentId: row.agent_id,
    agentVersion: Number(row.agent_version),
    triggerMessageId: row.trigger_message_id,
    status: row.status as RunStatus,
    model: row.model,
    offline: Number(row.offline) === 1,
    stepCount: Number(row.step_count),
    usage: {
      inputTokens: Number(row.input_tokens),
      outputTokens: Number(row.output_tokens),
      costUsd: Number(row.cost_usd),
    },
    error: row.error,
    taskId: row.task_id,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    startedAt: row.started_at === null ? null : Number(row.started_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
  };
}

export function toRunStep(row: Row<'run_step'>): RunStep {
  return {
    id: row.id,
    index: Number(row.idx),
    kind: row.kind as RunStep['kind'],
    status: row.status,
    toolCallId: row.tool_call_id,
    toolName: row.tool_name,
    payload: parseJson<ModelStepPayload | ToolStepPayload>(row.payload, { input: null }),
    createdAt: Number(row.created_at),
    completedAt: row.completed_at === null ? null : Number(row.completed_at),
  };
}

/** Loads a run; with `orgId`, another org's run is not found. */
export async function loadRun(executor: Kysely<Schema>, runId: string, orgId?: string): Promise<Run> {
  let query = executor.selectFrom('run').selectAll().where('id', '=', runId);
  if (orgId) query = query.where('org_id', '=', orgId);
  const row = await query.executeTakeFirst();
  if (!row) throw notFound('run', runId);
  return toRun(row);
}

export async function loadSteps(executor: Kysely<Schema>, runId: string): Promise<RunStep[]> {
  const rows = await executor
    .selectFrom('run_step')
    .selectAll()
    .where('run_id', '=', runId)
    .orderBy('idx')
    .execute();
  return rows.map(toRunStep);
}

export function isModelStep(step: RunStep): step is RunStep & { payload: ModelStepPayload } {
  return step.kind === 'model';
}

export function isToolStep(step: RunStep): step is RunStep & { payload: ToolStepPayload } {
  return step.kind === 'tool';
}
