import { describe, expect, it } from 'vitest';
import { parseToolDirectives } from './tool-directives.js';

describe('parseToolDirectives', () => {
  it('finds inline and line directives with optional JSON', () => {
    const parsed = parseToolDirectives('first /tool a {"x":{"y":"}"}} then\n/tool b\nend');
    expect(parsed.directives).toEqual([
      { toolName: 'a', input: { x: { y: '}' } } },
      { toolName: 'b', input: {} },
    ]);
    expect(parsed.text).toBe('first then end');
  });

  it('ignores /tool inside a word or inside a directive JSON', () => {
    const parsed = parseToolDirectives('path/tool x /tool a {"note":" /tool b"}');
    expect(parsed.directives.map((directive) => directive.toolName)).toEqual(['a']);
  });

  it('marks malformed input instead of guessing', () => {
    expect(parseToolDirectives('/tool a {"x":').directives[0]?.error).toBe('the JSON object is not closed');
    expect(parseToolDirectives('/tool a {x}').directives[0]?.error).toBe('the input is not valid JSON');
  });
});
