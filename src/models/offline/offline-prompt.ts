import type { LanguageModelV3Prompt, LanguageModelV3ToolResultOutput } from '@ai-sdk/provider';

/** A tool result that came back after the last user message. */
export interface ReceivedToolResult {
  toolName: string;
  /** True when the call was denied or rejected rather than executed. */
  rejected: boolean;
  /** For a rejection, the reason; otherwise the result as text (JSON for structured results). */
  summary: string;
}

/** What the offline model needs to know about a prompt. */
export interface PromptReading {
  /** The text of the last user message ('' when there is none). */
  lastUserText: string;
  /** Tool results after the last user message, in order. */
  toolResultsSinceUser: ReceivedToolResult[];
  /** Every tool-call part anywhere in the prompt. */
  toolCallCount: number;
  /** Characters of all text the prompt carries (used for the token estimate). */
  characterCount: number;
}

function describeOutput(output: LanguageModelV3ToolResultOutput): { rejected: boolean; summary: string } {
  switch (output.type) {
    case 'text':
      return { rejected: false, summary: JSON.stringify(output.value) };
    case 'json':
      return { rejected: false, summary: JSON.stringify(output.value) ?? 'null' };
    case 'error-text':
      return { rejected: false, summary: JSON.stringify({ error: output.value }) };
    case 'error-json':
      return { rejected: false, summary: JSON.stringify({ error: output.value }) };
    case 'execution-denied':
      return { rejected: true, summary: output.reason ?? 'no reason given' };
    case 'content': {
      const texts = output.value.map((part) => (part.type === 'text' ? part.text : `[${part.type}]`));
      return { rejected: false, summary: JSON.stringify(texts.join('\n')) };
    }
  }
}

function textLength(value: unknown): number {
  return typeof value === 'string' ? value.length : (JSON.stringify(value) ?? '').length;
}

/** Reads the parts of a V3 prompt the offline model reacts to. */
export function readPrompt(prompt: LanguageModelV3Prompt): PromptReading {
  let lastUserIndex = -1;
  prompt.forEach((message, index) => {
    if (message.role === 'user') lastUserIndex = index;
  });
  const reading: PromptReading = {
    lastUserText: '',
    toolResultsSinceUser: [],
    toolCallCount: 0,
    characterCount: 0,
  };
  prompt.forEach((message, index) => {
    if (message.role === 'system') {
      reading.characterCount += message.content.length;
      return;
    }
    for (const part of message.content) {
      if (part.type === 'text' || part.type === 'reasoning') reading.characterCount += part.text.length;
      if (part.type === 'tool-call') {
        reading.toolCallCount++;
        reading.characterCount += part.toolName.length + textLength(part.input);
      }
      if (part.type === 'tool-result') {
        const { rejected, summary } = describeOutput(part.output);
        reading.characterCount += part.toolName.length + summary.length;
        if (index > lastUserIndex) {
          reading.toolResultsSinceUser.push({ toolName: part.toolName, rejected, summary });
        }
      }
    }
    if (index === lastUserIndex && message.role === 'user') {
      reading.lastUserText = message.content
        .flatMap((part) => (part.type === 'text' ? [part.text] : []))
        .join('\n');
    }
  });
  return reading;
}
