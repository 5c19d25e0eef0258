import { describe, expect, it } from 'vitest';
import { truncateText } from './truncate.js';

describe('truncateText', () => {
  it('keeps text that fits', () => {
    expect(truncateText('short', 5)).toBe('short');
  });

  it('cuts to the limit and says how much was cut', () => {
    const cut = truncateText('a'.repeat(1000), 100);
    expect(cut).toHaveLength(100);
    expect(cut).toMatch(/^a+… \[truncated (\d+) chars\]$/);
    const kept = cut.indexOf('…');
    expect(cut).toContain(`[truncated ${1000 - kept} chars]`);
  });

  it('never splits a surrogate pair, and falls back to a bare ellipsis below the marker’s size', () => {
    const emoji = '😀'.repeat(100);
    const cut = truncateText(emoji, 51);
    expect(cut.slice(0, cut.indexOf('…'))).toMatch(/^(😀)+$/u);
    expect(truncateText('abcdefghij', 4)).toBe('abc…');
    expect(truncateText('abcdefghij', 0)).toBe('');
  });
});
