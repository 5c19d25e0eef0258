import type { LanguageModelV3CallOptions } from '@ai-sdk/provider';
import { minimalInstance } from './json-schema-instance.js';
import { readPrompt } from './offline-prompt.js';
import { parseToolDirectives, type ToolDirective } from './tool-directives.js';

/** What the offline model decided to produce for one call. */
export type OfflineAnswer = (
  | { kind: 'text'; text: string /** Cut at the call's `maxOutputTokens`. */; cut?: boolean }
  | { kind: 'tool-call'; toolCallId: string; toolName: string; input: string }
) & { inputTokens: number; outputTokens: number };

const quoteLimit = 300;

/** Cuts `text` to at most `limit` characters, ending with `…` when it was cut. */
export function truncate(text: string, limit = quoteLimit): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

function tokensFor(characters: number): number {
  return Math.ceil(characters / 4);
}

function availableTools(options: LanguageModelV3CallOptions): Set<string> {
  if (options.toolChoice?.type === 'none') return new Set();
  const names = (options.tools ?? []).filter((tool) => tool.type === 'function').map((tool) => tool.name);
  return new Set(names);
}

/** Distinct skip notes shown; the rest are counted in one line. */
const maxSkippedNotes = 10;

/**
 * One line per distinct skipped directive, with how many times it occurred, at most
 * `maxSkippedNotes` lines: a message of thousands of directives gets a short answer.
 */
function skippedNotes(directives: ToolDirective[], available: Set<string>): string[] {
  const counts = new Map<string, number>();
  for (const directive of directives) {
    const note =
      directive.error !== undefined
        ? `Tool ${directive.toolName} was skipped: ${directive.error}`
        : available.has(directive.toolName)
          ? undefined
          : `Tool ${directive.toolName} is not available; skipped`;
    if (note !== undefined) counts.set(note, (counts.get(note) ?? 0) + 1);
  }
  const notes = [...counts].map(([note, count]) => `${note}${count > 1 ? ` (${count} times)` : ''}.`);
  if (notes.length <= maxSkippedNotes) return notes;
  const more = notes.length - maxSkippedNotes;
  return [...notes.slice(0, maxSkippedNotes), `${more} more skipped tool(s) not listed.`];
}

/**
 * Decides the offline model's deterministic answer to a call: the next pending `/tool` directive
 * of the last user message as a tool call, or else a restatement of that message with the tool
 * results received since (as JSON when `responseFormat` asks for it), cut at `maxOutputTokens`.
 */
export function offlineAnswer(options: LanguageModelV3CallOptions): OfflineAnswer {
  const reading = readPrompt(options.prompt);
  const { directives, text: userText } = parseToolDirectives(reading.lastUserText);
  const available = availableTools(options);
  const callable = directives.filter(
    (directive) => directive.error === undefined && available.has(directive.toolName),
  );
  const inputTokens = tokensFor(reading.characterCount);

  const next = callable[reading.toolResultsSinceUser.length];
  if (next !== undefined) {
    const input = JSON.stringify(next.input);
    const toolCallId = `offline_call_${reading.toolCallCount + 1}`;
    const outputTokens = tokensFor(next.toolName.length + input.length);
    return { kind: 'tool-call', toolCallId, toolName: next.toolName, input, inputTokens, outputTokens };
  }

  const lines = [`[offline model] You said: "${truncate(userText)}".`];
  for (const result of reading.toolResultsSinceUser) {
    lines.push(
      result.rejected
        ? `Tool ${result.toolName} was rejected: ${truncate(result.summary)}`
        : `Tool ${result.toolName} returned: ${truncate(result.summary)}`,
    );
  }
  lines.push(...skippedNotes(directives, available));
  let text = lines.join('\n');
  if (options.responseFormat?.type === 'json') {
    const schema = options.responseFormat.schema;
    text = JSON.stringify(
      schema === undefined ? { answer: text } : minimalInstance(schema, truncate(userText)),
    );
  }
  const maxCharacters =
    options.maxOutputTokens === undefined ? Number.POSITIVE_INFINITY : options.maxOutputTokens * 4;
  if (text.length > maxCharacters) {
    return {
      kind: 'text',
      text: text.slice(0, maxCharacters),
      cut: true,
      inputTokens,
      outputTokens: options.maxOutputTokens ?? 0,
    };
  }
  return { kind: 'text', text, inputTokens, outputTokens: tokensFor(text.length) };
}
