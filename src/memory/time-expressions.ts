const day = 86_400_000;
const monthNames = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const numberWords: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
};

/** A half-open time range `[from, to)` in epoch milliseconds (UTC). */
export interface TimeRange {
  from: number;
  to: number;
}

function startOfDay(at: number): number {
  return at - (((at % day) + day) % day);
}

function monthStart(year: number, month: number): number {
  return Date.UTC(year, month, 1);
}

function shiftMonths(at: number, months: number): number {
  const date = new Date(at);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, date.getUTCDate(), date.getUTCHours());
}

function count(word: string): number | undefined {
  return /^\d+$/.test(word) ? Number(word) : numberWords[word.toLowerCase()];
}

const relativePattern =
  /\b(yesterday|today|this morning|this afternoon|tonight|last night|last week|last month|last year|(\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten) (days?|weeks?|months?|years?) ago)\b/i;

/**
 * The moment a relative date in `text` names, resolved against `at` (when the text was said):
 * "yesterday" → the day before, "last week" → 7 days before, "3 days ago", "two weeks ago",
 * "last month" / "a month ago" → a month before, "last year" → a year before; "today", "this
 * morning", "tonight" → `at` itself. Null when the text names none. All in UTC.
 *
 * @example
 * resolveRelativeDate('Yesterday I ran the Lisbon half marathon.', Date.UTC(2023, 4, 15));
 * // { at: Date.UTC(2023, 4, 14), phrase: 'Yesterday' }
 */
export function resolveRelativeDate(text: string, at: number): { at: number; phrase: string } | null {
  const match = relativePattern.exec(text);
  if (!match?.[1]) return null;
  const phrase = match[1];
  const lower = phrase.toLowerCase();
  const amount = match[2] ? count(match[2]) : undefined;
  const unit = match[3]?.toLowerCase().replace(/s$/, '');
  let resolved = at;
  if (lower === 'yesterday' || lower === 'last night') resolved = at - day;
  else if (lower === 'last week') resolved = at - 7 * day;
  else if (lower === 'last month') resolved = shiftMonths(at, -1);
  else if (lower === 'last year') resolved = shiftMonths(at, -12);
  else if (amount !== undefined && unit === 'day') resolved = at - amount * day;
  else if (amount !== undefined && unit === 'week') resolved = at - amount * 7 * day;
  else if (amount !== undefined && unit === 'month') resolved = shiftMonths(at, -amount);
  else if (amount !== undefined && unit === 'year') resolved = shiftMonths(at, -12 * amount);
  return { at: resolved, phrase };
}

/** "14 May 2023" (UTC). */
export function formatDay(at: number): string {
  const date = new Date(at);
  const month = monthNames[date.getUTCMonth()] ?? '';
  return `${date.getUTCDate()} ${month.charAt(0).toUpperCase()}${month.slice(1)} ${date.getUTCFullYear()}`;
}

const monthPattern = new RegExp(`\\b(?:in|during|of)\\s+(${monthNames.join('|')})(?:\\s+(\\d{4}))?\\b`, 'i');

/**
 * The period a question names, relative to `now`: "in May 2023", "in May" (the latest May not
 * after now), "in 2022", "yesterday", "last week" (the 7 days before today), "last month", "last
 * year", "N days/weeks ago" (that day or week). Null when it names none. All in UTC.
 *
 * @example
 * periodOfQuery('Which half marathon did I run in May 2023?', now); // May 2023
 */
export function periodOfQuery(query: string, now: number): TimeRange | null {
  const month = monthPattern.exec(query);
  if (month?.[1]) {
    const index = monthNames.indexOf(month[1].toLowerCase());
    const current = new Date(now);
    let year = month[2] ? Number(month[2]) : current.getUTCFullYear();
    if (!month[2] && monthStart(year, index) > now) year--;
    return { from: monthStart(year, index), to: monthStart(year, index + 1) };
  }
  const year = /\b(?:in|during)\s+(\d{4})\b/i.exec(query);
  if (year?.[1]) return { from: Date.UTC(Number(year[1]), 0, 1), to: Date.UTC(Number(year[1]) + 1, 0, 1) };
  const today = startOfDay(now);
  const relative = relativePattern.exec(query);
  if (!relative?.[1]) return null;
  const lower = relative[1].toLowerCase();
  const current = new Date(now);
  if (lower === 'last week') return { from: today - 7 * day, to: today };
  if (lower === 'last month') {
    const start = monthStart(current.getUTCFullYear(), current.getUTCMonth() - 1);
    return { from: start, to: monthStart(current.getUTCFullYear(), current.getUTCMonth()) };
  }
  if (lower === 'last year') {
    return {
      from: Date.UTC(current.getUTCFullYear() - 1, 0, 1),
      to: Date.UTC(current.getUTCFullYear(), 0, 1),
    };
  }
  const resolved = resolveRelativeDate(query, now);
  if (!resolved) return null;
  const unit = relative[3]?.toLowerCase().replace(/s$/, '');
  const span = unit === 'week' ? 7 * day : unit === 'month' ? 31 * day : unit === 'year' ? 366 * day : day;
  const start = startOfDay(resolved.at);
  return span === day ? { from: start, to: start + day } : { from: start - span / 2, to: start + span / 2 };
}
