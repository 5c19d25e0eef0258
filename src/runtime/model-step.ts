import { streamText } from 'ai';
import type { Agent } from '../agents/index.js';
import { coerceError } from '../errors/index.js';
import { transact } from '../events/index.js';
import type { ResolvedModel } from '../models/index.js';
import { toJson } from '../storage/index.js';
import { aiSdkToolsOf } from '../tools/index.js';
import { recentWindow, stepsToMessages } from './prompt.js';
import { runEvent } from './run-events.js';
import type { AssembledContext, ModelStepPayload, Run, RunStep, RuntimeServices } from './run-types.js';

/**
 * The context a run's model calls start from: instructions + recent window, or what the memory
 * hooks assemble (pinned and retrieved memories, summary, window). Assembled once per execution
 * of a run and reused by its later model steps.
 */
export async function assembleRunContext(
  services: RuntimeServices,
  run: Run,
  agent: Agent,
): Promise<AssembledContext> {
  if (services.runHooks.assembleContext) return services.runHooks.assembleContext(run, agent);
  return {
    system: agent.instructions,
    messages: await recentWindow(services.database.db, run, services.runtime.recentWindowTokens),
  };
}

/**
 * One model call: the assembled context + this run's steps, the answer streamed (text deltas go
 * to the bus live), then the step, its usage and its event persisted in one transaction (with the
 * context's own events, when given). A crash before the commit repeats this call; after it, never.
 * Returns the step and what it cost (the run's counters grew by both).
 */
export async function runModelStep(
  services: RuntimeServices,
  run: Run,
  agent: Agent,
  resolved: ResolvedModel,
  assembled: AssembledContext,
  steps: readonly RunStep[],
  signal: AbortSignal,
): Promise<{ payload: ModelStepPayload; costUsd: number }> {
  const messages = [...assembled.messages, ...stepsToMessages(steps)];
  const index = steps.length;
  const offered =
    agent.tools.length > 0 ? await services.tools.resolve(run.orgId, agent.tools, signal) : undefined;
  const tools = offered && offered.size > 0 ? aiSdkToolsOf(offered.values()) : undefined;
  let failure: unknown;
  const result = streamText({
    model: resolved.model,
    system: assembled.system,
    messages,
    ...(tools ? { tools } : {}),
    abortSignal: signal,
    maxRetries: 1,
    ...(agent.limits.maxOutputTokens ? { maxOutputTokens: agent.limits.maxOutputTokens } : {}),
    onError: ({ error }) => {
      failure = error;
    },
  });
  for await (const part of result.fullStream) {
    if (part.type === 'text-delta') {
      services.bus.publishLive({
        type: 'run-text-delta',
        orgId: run.orgId,
        runId: run.id,
        conversationId: run.chatId,
        payload: { stepIndex: index, delta: part.text },
      });
    } else if (part.type === 'reasoning-delta') {
      services.bus.publishLive({
        type: 'run-reasoning-delta',
        orgId: run.orgId,
        runId: run.id,
        conversationId: run.chatId,
        payload: { stepIndex: index, delta: part.text },
      });
    } else if (part.type === 'error') {
      failure = part.error;
    }
  }
  if (failure !== undefined) throw coerceError(failure);
  const [text, reasoning, toolCalls, usage, finishReason] = await Promise.all([
    result.text,
    result.reasoningText,
    result.toolCalls,
    result.usage,
    result.finishReason,
  ]);
  const payload: ModelStepPayload = {
    text,
    ...(reasoning ? { reasoning } : {}),
    toolCalls: toolCalls.map((call) => ({
      toolCallId: call.toolCallId,
      toolName: call.toolName,
      input: call.input,
    })),
    finishReason,
    usage: { inputTokens: usage.inputTokens ?? 0, outputTokens: usage.outputTokens ?? 0 },
  };
  const cost = services.models.costOf(resolved.spec, payload.usage);
  const now = services.clock.now();
  await transact(services, async (transaction, outbox) => {
    await transaction
      .insertInto('run_step')
      .values({
        id: services.ids.next('step'),
        org_id: run.orgId,
        run_id: run.id,
        idx: index,
        kind: 'model',
        status: 'completed',
        tool_call_id: null,
        tool_name: null,
        payload: toJson(payload),
        created_at: now,
        completed_at: now,
      })
      .execute();
    await transaction
      .insertInto('usage_log')
      .values({
        id: services.ids.next('use'),
        org_id: run.orgId,
        run_id: run.id,
        agent_id: run.agentId,
        provider: resolved.provider,
        model: resolved.modelId,
        input_tokens: payload.usage.inputTokens,
        output_tokens: payload.usage.outputTokens,
        cost_usd: cost,
        created_at: now,
      })
      .execute();
    await transaction
      .updateTable('run')
      .set((builder) => ({
        step_count: builder('step_count', '+', 1),
        input_tokens: builder('input_tokens', '+', payload.usage.inputTokens),
        output_tokens: builder('output_tokens', '+', payload.usage.outputTokens),
        cost_usd: builder('cost_usd', '+', cost),
        updated_at: now,
      }))
      .where('id', '=', run.id)
      .execute();
    await outbox.emit(
      ...(assembled.events ?? []),
      runEvent(run, 'run-step-end', { index, kind: 'model', ...payload, costUsd: cost }),
    );
  });
  return { payload, costUsd: cost };
}
