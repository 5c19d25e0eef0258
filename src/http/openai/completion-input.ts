import { invalidInput } from '../../errors/index.js';
import type { ChatCompletionMessage } from './openai-schemas.js';

/**
 * The text of the request's last message, which must be a user message: Colony keeps the
 * chat's history itself, so earlier messages are not re-sent to the agent.
 */
export function lastUserText(messages: readonly ChatCompletionMessage[]): string {
  const index = messages.length - 1;
  const last = messages[index];
  if (last?.role !== 'user') {
    throw invalidInput(`messages.${index}.role`, 'the last message must be a user message');
  }
  const content = last.content;
  const parts = typeof content === 'string' ? [content] : [];
  if (Array.isArray(content)) {
    for (const [position, part] of content.entries()) {
      if (part.type !== 'text' || !('text' in part)) {
        throw invalidInput(`messages.${index}.content.${position}`, 'only text parts are supported');
      }
      parts.push(String(part.text));
    }
  }
  const text = parts.join('\n');
  if (text.trim() === '') throw invalidInput(`messages.${index}.content`, 'the user message is empty');
  return text;
}
