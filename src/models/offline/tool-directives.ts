/** One `/tool <name> <json-object?>` directive found in a user message. */
export interface ToolDirective {
  toolName: string;
  /** The parsed JSON object, `{}` when none was written. */
  input: Record<string, unknown>;
  /** Set when the JSON after the name could not be read; such a directive is never called. */
  error?: string;
}

export interface ParsedDirectives {
  directives: ToolDirective[];
  /** The user text with every directive removed and whitespace collapsed. */
  text: string;
}

const directivePattern = /(^|\s)\/tool\s+([A-Za-z0-9_.-]+)/g;

/** Index just past the JSON object that starts at `start` (a `{`), or -1 when it never closes. */
function endOfObject(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const character = text[index];
    if (inString) {
      if (character === '\\') index++;
      else if (character === '"') inString = false;
    } else if (character === '"') inString = true;
    else if (character === '{') depth++;
    else if (character === '}') {
      depth--;
      if (depth === 0) return index + 1;
    }
  }
  return -1;
}

function readInput(
  text: string,
  from: number,
): { input: Record<string, unknown>; end: number; error?: string } {
  const start = text.slice(from).search(/\S/);
  if (start === -1 || text[from + start] !== '{') return { input: {}, end: from };
  const objectStart = from + start;
  const end = endOfObject(text, objectStart);
  if (end === -1) return { input: {}, end: text.length, error: 'the JSON object is not closed' };
  try {
    const value: unknown = JSON.parse(text.slice(objectStart, end));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return { input: value as Record<string, unknown>, end };
    }
    return { input: {}, end, error: 'the input is not a JSON object' };
  } catch {
    return { input: {}, end, error: 'the input is not valid JSON' };
  }
}

/**
 * Finds the `/tool <name> <json-object?>` directives of a message, in order, and the text around
 * them. A directive starts a line or follows whitespace; its JSON object is optional.
 *
 * @example
 * parseToolDirectives('what time is it? /tool get_time {"timezone":"UTC"}');
 * // { directives: [{ toolName: 'get_time', input: { timezone: 'UTC' } }], text: 'what time is it?' }
 */
export function parseToolDirectives(message: string): ParsedDirectives {
  const directives: ToolDirective[] = [];
  const kept: string[] = [];
  let cursor = 0;
  for (const match of message.matchAll(directivePattern)) {
    const matchStart = match.index + (match[1]?.length ?? 0);
    if (matchStart < cursor) continue; // inside the JSON of a previous directive
    const toolName = match[2] ?? '';
    const { input, end, error } = readInput(message, match.index + match[0].length);
    kept.push(message.slice(cursor, matchStart));
    directives.push(error === undefined ? { toolName, input } : { toolName, input, error });
    cursor = end;
  }
  kept.push(message.slice(cursor));
  return { directives, text: kept.join(' ').replace(/\s+/g, ' ').trim() };
}
