import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
} from '@ai-sdk/provider';
import type { ModelRegistry, ResolvedModel } from '../../models/index.js';

/** What a scripted call sees: the system text and the last user message's text. */
export interface ScriptedCall {
  system: string;
  user: string;
  /** True when the call asks for JSON (structured output). */
  json: boolean;
  signal?: AbortSignal | undefined;
}

export type Script = (call: ScriptedCall) => string | Promise<string>;

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) =>
      typeof part === 'object' && part !== null && 'text' in part && typeof part.text === 'string'
        ? part.text
        : '',
    )
    .join('\n');
}

function callOf(options: LanguageModelV3CallOptions): ScriptedCall {
  const system = options.prompt
    .filter((message) => message.role === 'system')
    .map((message) => textOf(message.content))
    .join('\n');
  const users = options.prompt.filter((message) => message.role === 'user');
  const last = users[users.length - 1];
  return {
    system,
    user: last ? textOf(last.content) : '',
    json: options.responseFormat?.type === 'json',
    signal: options.abortSignal,
  };
}

function usageOf(text: string, input: string): LanguageModelV3Usage {
  const inputTokens = Math.ceil(input.length / 4);
  const outputTokens = Math.ceil(text.length / 4);
  return {
    inputTokens: { total: inputTokens, noCache: inputTokens, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: outputTokens, text: outputTokens, reasoning: 0 },
  };
}

/**
 * A scripted AI SDK model for tests: `script` answers every call (generate or stream) from the
 * system text and the last user message. Usage is characters / 4, like the offline model.
 */
export function createScriptedModel(script: Script, modelId = 'script'): LanguageModelV3 {
  return {
    specificationVersion: 'v3',
    provider: 'mock',
    modelId,
    supportedUrls: {},
    async doGenerate(options) {
      const call = callOf(options);
      const text = await script(call);
      return {
        content: [{ type: 'text', text }],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: usageOf(text, call.system + call.user),
        warnings: [],
      };
    },
    async doStream(options) {
      const call = callOf(options);
      const text = await script(call);
      const parts: LanguageModelV3StreamPart[] = [
        { type: 'stream-start', warnings: [] },
        { type: 'text-start', id: 't0' },
        { type: 'text-delta', id: 't0', delta: text },
        { type: 'text-end', id: 't0' },
        {
          type: 'finish',
          usage: usageOf(text, call.system + call.user),
          finishReason: { unified: 'stop', raw: 'stop' },
        },
      ];
      return {
        stream: new ReadableStream<LanguageModelV3StreamPart>({
          start(controller) {
            for (const part of parts) controller.enqueue(part);
            controller.close();
          },
        }),
      };
    },
  };
}

/**
 * Test seam: makes `models` resolve `mock:<id>` specs to `modelFor(id)` (a real, non-offline
 * model as far as Colony can tell) and treat them as known, without touching the registry's code.
 */
export function installMockProvider(
  models: ModelRegistry,
  modelFor: (modelId: string) => LanguageModelV3,
): void {
  const resolve = models.resolve.bind(models);
  const isKnown = models.isKnown.bind(models);
  const cache = new Map<string, ResolvedModel>();
  models.resolve = (spec: string): ResolvedModel => {
    if (!spec.startsWith('mock:')) return resolve(spec);
    const cached = cache.get(spec);
    if (cached) return cached;
    const resolved = {
      spec,
      provider: 'mock',
      modelId: spec.slice(5),
      offline: false,
      model: modelFor(spec.slice(5)),
    };
    cache.set(spec, resolved);
    return resolved;
  };
  models.isKnown = (spec: string) => spec.startsWith('mock:') || isKnown(spec);
}
