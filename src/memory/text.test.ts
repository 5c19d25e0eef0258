import { describe, expect, it } from 'vitest';
import { maxMemoryQueryChars } from '../kernel/index.js';
import { searchQueryOf } from './text.js';

describe('searchQueryOf', () => {
  it('keeps a text that fits a search query', () => {
    expect(searchQueryOf('  what editor do I use?  ', maxMemoryQueryChars)).toBe('what editor do I use?');
  });

  it('derives a long text’s most frequent content words, first seen first among equals', () => {
    const text = `${'Invoice from the vendor. '.repeat(300)}The invoice total is overdue. ${'Lorem ipsum. '.repeat(200)}`;
    const query = searchQueryOf(text, maxMemoryQueryChars);
    expect(query.length).toBeLessThanOrEqual(maxMemoryQueryChars);
    expect(query.split(' ').slice(0, 5)).toEqual(['invoice', 'vendor', 'lorem', 'ipsum', 'total']);
    expect(query).not.toMatch(/\b(the|from|is)\b/);
  });

  it('stays within the limit with many distinct words, and cuts a text without content words', () => {
    const distinct = Array.from({ length: 5000 }, (_, index) => `term${index}`).join(' ');
    const query = searchQueryOf(distinct, 100);
    expect(query.length).toBeLessThanOrEqual(100);
    expect(query.startsWith('term0 term1 term2')).toBe(true);
    expect(searchQueryOf('?! '.repeat(1000), 50)).toBe('?! ?! ?! ?! ?! ?! ?! ?! ?! ?! ?! ?! ?! ?! ?! ?! ?!');
  });
});
