import { createHash } from 'node:crypto';
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
} from '@ai-sdk/provider';
import { sleep } from '../../kernel/index.js';
import { writeCallLog } from './call-log.js';
import { type OfflineAnswer, offlineAnswer } from './offline-answer.js';

/** Options of the offline model. */
export interface OfflineModelOptions {
  /** Milliseconds to wait (abortably) before answering; a "slow scripted model" for crash tests. */
  delayMs: number;
  /** A file that gets one JSON line when each call starts and one when it ends. */
  callLogFile?: string | undefined;
}

function usageOf(answer: OfflineAnswer): LanguageModelV3Usage {
  return {
    inputTokens: { total: answer.inputTokens, noCache: answer.inputTokens, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: answer.outputTokens, text: answer.outputTokens, reasoning: 0 },
  };
}

function finishReasonOf(answer: OfflineAnswer): LanguageModelV3FinishReason {
  const unified = answer.kind === 'tool-call' ? 'tool-calls' : answer.cut ? 'length' : 'stop';
  return { unified, raw: unified };
}

function responseId(options: LanguageModelV3CallOptions): string {
  const digest = createHash('sha256').update(JSON.stringify(options.prompt)).digest('hex');
  return `offline_${digest.slice(0, 16)}`;
}

function streamParts(answer: OfflineAnswer): LanguageModelV3StreamPart[] {
  if (answer.kind === 'tool-call') {
    const id = answer.toolCallId;
    return [
      { type: 'tool-input-start', id, toolName: answer.toolName },
      { type: 'tool-input-delta', id, delta: answer.input },
      { type: 'tool-input-end', id },
      { type: 'tool-call', toolCallId: id, toolName: answer.toolName, input: answer.input },
    ];
  }
  const words = answer.text.match(/\s*\S+\s*/g) ?? [answer.text];
  return [
    { type: 'text-start', id: 'text_0' },
    ...words.map((delta): LanguageModelV3StreamPart => ({ type: 'text-delta', id: 'text_0', delta })),
    { type: 'text-end', id: 'text_0' },
  ];
}

/**
 * A language model that needs no network and answers deterministically: it restates the last user
 * message and calls the tools that message names with `/tool <name> <json-object?>` directives,
 * one per call. See docs/offline-model.md for the full behaviour.
 *
 * @example
 * const model = createOfflineModel('echo', { delayMs: 0 });
 * const { text } = await generateText({ model, prompt: 'hello' });
 * // '[offline model] You said: "hello".'
 */
export function createOfflineModel(modelId: string, options: OfflineModelOptions): LanguageModelV3 {
  async function answer(callOptions: LanguageModelV3CallOptions): Promise<OfflineAnswer> {
    const promptMessages = callOptions.prompt.length;
    writeCallLog(options.callLogFile, { event: 'start', modelId, promptMessages });
    try {
      callOptions.abortSignal?.throwIfAborted();
      if (options.delayMs > 0) await sleep(options.delayMs, callOptions.abortSignal);
    } catch (error) {
      writeCallLog(options.callLogFile, { event: 'abort', modelId, promptMessages });
      throw error;
    }
    return offlineAnswer(callOptions);
  }

  function logEnd(callOptions: LanguageModelV3CallOptions, result: OfflineAnswer): void {
    const finishReason = finishReasonOf(result).unified;
    writeCallLog(options.callLogFile, {
      event: 'end',
      modelId,
      promptMessages: callOptions.prompt.length,
      finishReason,
    });
  }

  return {
    specificationVersion: 'v3',
    provider: 'offline',
    modelId,
    supportedUrls: {},
    async doGenerate(callOptions) {
      const result = await answer(callOptions);
      const content: LanguageModelV3Content[] =
        result.kind === 'tool-call'
          ? [
              {
                type: 'tool-call',
                toolCallId: result.toolCallId,
                toolName: result.toolName,
                input: result.input,
              },
            ]
          : [{ type: 'text', text: result.text }];
      logEnd(callOptions, result);
      return {
        content,
        finishReason: finishReasonOf(result),
        usage: usageOf(result),
        response: { id: responseId(callOptions), modelId },
        warnings: [],
      };
    },
    async doStream(callOptions) {
      const result = await answer(callOptions);
      const parts: LanguageModelV3StreamPart[] = [
        { type: 'stream-start', warnings: [] },
        { type: 'response-metadata', id: responseId(callOptions), modelId },
        ...streamParts(result),
        { type: 'finish', usage: usageOf(result), finishReason: finishReasonOf(result) },
      ];
      const stream = new ReadableStream<LanguageModelV3StreamPart>({
        start(controller) {
          for (const part of parts) controller.enqueue(part);
          controller.close();
          logEnd(callOptions, result);
        },
      });
      return { stream };
    },
  };
}
