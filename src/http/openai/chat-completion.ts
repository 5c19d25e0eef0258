import type { Context as HonoContext } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Context } from '../../context/index.js';
import { ColonyError, coerceError } from '../../errors/index.js';
import {
  type ChatWatch,
  followToOutcome,
  runFailure,
  type StartedTurn,
  type TurnOutcome,
} from '../../turns/index.js';
import type { HttpServices } from '../http-services.js';
import { openAiErrorBody } from './openai-errors.js';
import { waitingText } from './run-answer.js';

function usageOf(outcome: TurnOutcome) {
  const { inputTokens, outputTokens } = outcome.usage;
  return {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
  };
}

function colonyOf(turn: StartedTurn, outcome?: TurnOutcome) {
  return {
    chatId: turn.chatId,
    runId: turn.runId,
    status: outcome?.status ?? 'queued',
    ...(outcome && outcome.approvals.length > 0 ? { approvals: outcome.approvals } : {}),
  };
}

/** The non-streamed answer: the run's final text, or what it waits for; a failed run throws. */
export function chatCompletionResponse(
  services: HttpServices,
  turn: StartedTurn,
  model: string,
  outcome: TurnOutcome,
) {
  if (outcome.status !== 'succeeded' && outcome.status !== 'waiting') throw runFailure(outcome);
  const waiting = outcome.status === 'waiting';
  return {
    id: `chatcmpl-${turn.runId}`,
    object: 'chat.completion' as const,
    created: Math.floor(services.clock.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant' as const,
          content: waiting ? waitingText(outcome) : outcome.text,
          refusal: null,
        },
        finish_reason: waiting ? ('approval_required' as const) : ('stop' as const),
        logprobs: null,
      },
    ],
    usage: usageOf(outcome),
    colony: colonyOf(turn, outcome),
  };
}

/**
 * The streamed answer as OpenAI chunks: the role first (with `colony.chatId`), the text of every
 * model step as it is written, a last chunk with the `finish_reason`, the usage chunk when asked,
 * then `[DONE]`. A failed run ends the stream with an `error` object, which OpenAI clients raise.
 */
export function streamChatCompletion(
  http: HonoContext,
  context: Context,
  watch: ChatWatch,
  turn: StartedTurn,
  options: { model: string; includeUsage: boolean },
): Response {
  const id = `chatcmpl-${turn.runId}`;
  const created = Math.floor(context.services.clock.now() / 1000);
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model: options.model,
    choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
  });
  return streamSSE(http, async (stream) => {
    const aborted = new AbortController();
    stream.onAbort(() => aborted.abort());
    const send = (data: unknown) => stream.writeSSE({ data: JSON.stringify(data) });
    try {
      await send({ ...chunk({ role: 'assistant', content: '' }), colony: colonyOf(turn) });
      const outcome = await followToOutcome(context, watch, turn.runId, aborted.signal, async (update) => {
        if (update.kind === 'text') await send(chunk({ content: update.text }));
      });
      if (outcome.status === 'succeeded' || outcome.status === 'waiting') {
        const waiting = outcome.status === 'waiting';
        if (waiting) await send(chunk({ content: waitingText(outcome) }));
        await send({
          ...chunk({}, waiting ? 'approval_required' : 'stop'),
          colony: colonyOf(turn, outcome),
        });
        if (options.includeUsage) await send({ ...chunk({}), choices: [], usage: usageOf(outcome) });
      } else {
        const failure = runFailure(outcome);
        await send(openAiErrorBody(failure.code, failure.message));
      }
    } catch (thrown) {
      if (aborted.signal.aborted) return;
      const failure =
        thrown instanceof ColonyError ? thrown : new ColonyError('internal', coerceError(thrown).message);
      await send(openAiErrorBody(failure.code, failure.message));
    } finally {
      watch.close();
    }
    await stream.writeSSE({ data: '[DONE]' });
  });
}
