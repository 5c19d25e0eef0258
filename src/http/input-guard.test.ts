import { describe, expect, it } from 'vitest';
import { findUnsafeInput, maxInputDepth, maxInputValues } from './input-guard.js';

/** `[[[…]]]`, `levels` arrays deep, around `inner`. */
function nested(levels: number, inner: unknown = 'x'): unknown {
  let value = inner;
  for (let level = 0; level < levels; level++) value = [value];
  return value;
}

describe('findUnsafeInput', () => {
  it('accepts ordinary values, emoji (surrogate pairs) included', () => {
    expect(findUnsafeInput({ name: 'héllo 👋', tags: ['a', 'b'], n: 1, ok: true, none: null }, 'json')).toBe(
      undefined,
    );
  });

  it('names the field holding a NUL', () => {
    expect(findUnsafeInput({ tags: ['ok', 'a\u0000b'] }, 'json')).toEqual({
      path: 'json.tags.1',
      message: 'must not contain NUL (\\u0000) characters',
    });
    expect(findUnsafeInput({ id: '\u0000' }, 'param')?.path).toBe('param.id');
  });

  it('refuses lone surrogates, high or low', () => {
    expect(findUnsafeInput({ content: 'a\uD800b' }, 'json')).toEqual({
      path: 'json.content',
      message: 'must be well-formed Unicode (a lone surrogate cannot be stored)',
    });
    expect(findUnsafeInput({ content: '\uDC00' }, 'json')?.path).toBe('json.content');
    expect(findUnsafeInput({ content: '👋'.slice(0, 1) }, 'json')?.path).toBe('json.content');
  });

  it('checks object keys too', () => {
    expect(findUnsafeInput({ payload: { 'a\u0000': 1 } }, 'json')).toEqual({
      path: 'json.payload',
      message: 'has a key that must not contain NUL (\\u0000) characters',
    });
  });

  it(`accepts ${maxInputDepth} levels of nesting and refuses one more, naming the top field`, () => {
    expect(findUnsafeInput(nested(maxInputDepth), 'json')).toBe(undefined);
    expect(findUnsafeInput({ payload: nested(maxInputDepth) }, 'json')).toEqual({
      path: 'json.payload',
      message: `nests deeper than ${maxInputDepth} levels`,
    });
  });

  it('walks a 100,000-deep value without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let level = 0; level < 100_000; level++) deep = { a: deep };
    expect(findUnsafeInput({ payload: deep }, 'json')?.message).toBe(
      `nests deeper than ${maxInputDepth} levels`,
    );
  });

  it(`refuses more than ${maxInputValues} values`, () => {
    expect(findUnsafeInput(new Array(maxInputValues - 1).fill(0), 'json')).toBe(undefined);
    expect(findUnsafeInput(new Array(maxInputValues).fill(0), 'json')).toEqual({
      path: 'json',
      message: `holds more than ${maxInputValues} values`,
    });
  });
});
