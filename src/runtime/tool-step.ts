import type { Transaction } from 'kysely';
import type { Agent } from '../agents/index.js';
import { ColonyError, coerceError } from '../errors/index.js';
import { type EventPayload, type EventType, transact } from '../events/index.js';
import { type Schema, toJson } from '../storage/index.js';
import { isToolWait, needsApproval, type ToolContext } from '../tools/index.js';
import { scheduleApprovalExpiry } from './approval-expiry.js';
import { runEvent } from './run-events.js';
import type {
  Run,
  RunStep,
  RuntimeServices,
  ToolCallRecord,
  ToolStepPayload,
  ToolStepStatus,
} from './run-types.js';
import { fitToolOutput } from './tool-output.js';

/** The catalog's tool-call event types (one payload shape). */
type ToolCallEventType = Extract<EventType, `tool-call-${string}`>;

async function writeToolStep(
  services: RuntimeServices,
  run: Run,
  step: {
    id?: string | undefined;
    index: number;
    call: ToolCallRecord;
    status: ToolStepStatus;
    payload: ToolStepPayload;
  },
  eventType: ToolCallEventType,
  eventPayload: Omit<EventPayload<ToolCallEventType>, 'toolCallId' | 'toolName'>,
  within?: (transaction: Transaction<Schema>) => Promise<void>,
): Promise<void> {
  const now = services.clock.now();
  const done = step.status === 'completed' || step.status === 'failed' || step.status === 'rejected';
  await transact(services, async (transaction, outbox) => {
    await within?.(transaction);
    if (step.id) {
      await transaction
        .updateTable('run_step')
        .set({ status: step.status, payload: toJson(step.payload), completed_at: done ? now : null })
        .where('id', '=', step.id)
        .execute();
    } else {
      await transaction
        .insertInto('run_step')
        .values({
          id: services.ids.next('step'),
          org_id: run.orgId,
          run_id: run.id,
          idx: step.index,
          kind: 'tool',
          status: step.status,
          tool_call_id: step.call.toolCallId,
          tool_name: step.call.toolName,
          payload: toJson(step.payload),
          created_at: now,
          completed_at: done ? now : null,
        })
        .execute();
    }
    await outbox.emit(
      runEvent(
        run,
        eventType,
        { toolCallId: step.call.toolCallId, toolName: step.call.toolName, ...eventPayload },
        step.call.toolCallId,
      ),
    );
  });
}

/**
 * Brings one tool call of the last model step to a final state, persisting before and after
 * execution. Returns `waiting` while a human has not decided on it.
 */
export async function advanceToolCall(
  services: RuntimeServices,
  run: Run,
  agent: Agent,
  call: ToolCallRecord,
  existing: RunStep | undefined,
  nextIndex: () => number,
  signal: AbortSignal,
): Promise<'done' | 'waiting'> {
  if (existing && ['completed', 'failed', 'rejected'].includes(existing.status)) return 'done';
  if (existing?.status === 'awaiting-approval') return 'waiting';
  // The agent's list as it resolves now: a tool of an MCP server that was removed is not available.
  const tool = (await services.tools.resolve(run.orgId, agent.tools, signal)).get(call.toolName);
  const base = { id: existing?.id, index: existing?.index ?? nextIndex(), call };
  if (!tool) {
    const error = `the tool "${call.toolName}" is not available to this agent`;
    await writeToolStep(
      services,
      run,
      { ...base, status: 'failed', payload: { input: call.input, error } },
      'tool-call-end',
      { error },
    );
    return 'done';
  }
  const parsed = tool.inputSchema.safeParse(call.input);
  if (!parsed.success) {
    const error = `invalid input for ${call.toolName}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`;
    await writeToolStep(
      services,
      run,
      { ...base, status: 'failed', payload: { input: call.input, error } },
      'tool-call-end',
      { error },
    );
    return 'done';
  }
  const previous = existing?.payload as ToolStepPayload | undefined;
  if (!existing && needsApproval(tool, parsed.data, agent.approvals)) {
    const payload: ToolStepPayload = { input: call.input };
    const requested: Record<string, unknown> = { input: call.input };
    await writeToolStep(
      services,
      run,
      { ...base, status: 'awaiting-approval', payload },
      'tool-call-approval-requested',
      requested,
      async (transaction) => {
        const expiresAt = await scheduleApprovalExpiry(services, transaction, run, call.toolCallId);
        if (expiresAt === undefined) return;
        payload.expiresAt = expiresAt;
        requested.expiresAt = expiresAt;
      },
    );
    return 'waiting';
  }
  const idempotent = typeof tool.idempotent === 'function' ? tool.idempotent(parsed.data) : tool.idempotent;
  if (existing?.status === 'started' && !idempotent) {
    const error = `${call.toolName} was interrupted by a restart and is not safe to repeat; it was not re-executed`;
    await writeToolStep(
      services,
      run,
      { ...base, status: 'failed', payload: { ...previous, input: call.input, error } },
      'tool-call-end',
      { error },
    );
    return 'done';
  }
  const toolContext: ToolContext = {
    signal,
    now: () => services.clock.now(),
    orgId: run.orgId,
    runId: run.id,
    toolCallId: call.toolCallId,
    taskId: run.taskId,
    agentId: run.agentId,
    chatId: run.chatId,
    createdBy: run.createdBy,
    httpEndpoints: agent.endpoints,
  };
  if (existing?.status === 'waiting-result') {
    if (!tool.resume)
      throw new ColonyError('internal', `${call.toolName} waits for a result but cannot resume`);
    const resumed = await tool.resume(previous?.state, toolContext);
    if (!resumed.done) return 'waiting';
    const payload = { ...previous, input: call.input, output: fitToolOutput(resumed.output) };
    await writeToolStep(services, run, { ...base, status: 'completed', payload }, 'tool-call-end', {
      output: payload.output,
    });
    return 'done';
  }
  const attempts = (previous?.attempts ?? 0) + 1;
  const started: ToolStepPayload = { ...previous, input: call.input, attempts };
  await writeToolStep(services, run, { ...base, status: 'started', payload: started }, 'tool-call-started', {
    input: call.input,
    attempts,
  });
  const withId = existing ? base : { ...base, id: await stepIdAt(services, run.id, base.index) };
  try {
    const output = await tool.execute(parsed.data, toolContext);
    if (isToolWait(output)) {
      const payload = { ...started, state: output.state };
      await writeToolStep(
        services,
        run,
        { ...withId, status: 'waiting-result', payload },
        'tool-call-waiting',
        {
          reason: output.reason,
        },
      );
      return 'waiting';
    }
    const payload = { ...started, output: fitToolOutput(output) };
    await writeToolStep(services, run, { ...withId, status: 'completed', payload }, 'tool-call-end', {
      output: payload.output,
    });
  } catch (thrown) {
    if (signal.aborted) throw coerceError(signal.reason ?? thrown);
    const error = coerceError(thrown).message;
    await writeToolStep(
      services,
      run,
      { ...withId, status: 'failed', payload: { ...started, error } },
      'tool-call-end',
      {
        error,
      },
    );
  }
  return 'done';
}

async function stepIdAt(services: RuntimeServices, runId: string, index: number): Promise<string> {
  const row = await services.database.db
    .selectFrom('run_step')
    .select('id')
    .where('run_id', '=', runId)
    .where('idx', '=', index)
    .executeTakeFirstOrThrow();
  return row.id;
}
