import { describe, expect, it } from 'vitest';
import { formatDay, periodOfQuery, resolveRelativeDate } from './time-expressions.js';

const said = Date.UTC(2023, 4, 15, 18); // 15 May 2023, 18:00
const day = 86_400_000;

describe('resolveRelativeDate', () => {
  it.each([
    ['Yesterday I ran the Lisbon half marathon.', said - day, 'Yesterday'],
    ['I saw it last week.', said - 7 * day, 'last week'],
    ['We met three days ago.', said - 3 * day, 'three days ago'],
    ['That was 2 weeks ago.', said - 14 * day, '2 weeks ago'],
    ['I moved last month.', Date.UTC(2023, 3, 15, 18), 'last month'],
    ['Last year we sold it.', Date.UTC(2022, 4, 15, 18), 'Last year'],
    ['This morning I fixed the bike.', said, 'This morning'],
  ])('%j', (text, at, phrase) => {
    expect(resolveRelativeDate(text, said)).toEqual({ at, phrase });
  });

  it('finds nothing in a text without a relative date', () => {
    expect(resolveRelativeDate('I live in Porto.', said)).toBeNull();
  });

  it('formats a day', () => {
    expect(formatDay(said - day)).toBe('14 May 2023');
  });
});

describe('periodOfQuery', () => {
  const now = Date.UTC(2024, 1, 10, 12); // 10 February 2024
  it.each([
    ['Which race did I run in May 2023?', Date.UTC(2023, 4, 1), Date.UTC(2023, 5, 1)],
    ['What did I buy in December?', Date.UTC(2023, 11, 1), Date.UTC(2024, 0, 1)],
    ['What did I do in February?', Date.UTC(2024, 1, 1), Date.UTC(2024, 2, 1)],
    ['Which cities did I visit in 2022?', Date.UTC(2022, 0, 1), Date.UTC(2023, 0, 1)],
    ['What did I cook yesterday?', Date.UTC(2024, 1, 9), Date.UTC(2024, 1, 10)],
    ['What happened last week?', Date.UTC(2024, 1, 3), Date.UTC(2024, 1, 10)],
    ['Where did I go last month?', Date.UTC(2024, 0, 1), Date.UTC(2024, 1, 1)],
    ['What did I read last year?', Date.UTC(2023, 0, 1), Date.UTC(2024, 0, 1)],
  ])('%j', (query, from, to) => {
    expect(periodOfQuery(query, now)).toEqual({ from, to });
  });

  it('names no period in a question without one', () => {
    expect(periodOfQuery('Where do I live? I may move.', now)).toBeNull();
  });
});
