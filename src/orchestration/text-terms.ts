const stopwords = new Set(
  (
    'a an and are as at be but by for from has have in into is it its of on or that the their then this to ' +
    'was were will with about after all also any before both can do does each how if more most not now only ' +
    'other our out over same should so some such than them these they those through under up very what when ' +
    'where which while who why you your we us i me my please'
  ).split(' '),
);

/** A light, deterministic stemmer: enough for "researching"/"research", "summaries"/"summary". */
function stem(word: string): string {
  if (word.length > 5 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 4 && word.endsWith('es') && !word.endsWith('ses')) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/** Lower-cased, stemmed content words of `text` (stop words and one-letter tokens removed). */
export function terms(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const result: string[] = [];
  for (const word of words) {
    if (word.length < 2 || stopwords.has(word)) continue;
    result.push(stem(word));
  }
  return result;
}

/**
 * The key terms of a task: its distinct content words, longest first (ties in order of
 * appearance), at most `limit`. The offline verifier checks an answer mentions them.
 */
export function keyTerms(text: string, limit = 5): string[] {
  const distinct = [...new Set(terms(text))];
  return distinct
    .map((term, index) => ({ term, index }))
    .sort((a, b) => b.term.length - a.term.length || a.index - b.index)
    .slice(0, limit)
    .map((entry) => entry.term);
}

/** Normalizes an answer for voting: lower case, punctuation removed, whitespace collapsed. */
export function normalizeAnswer(text: string): string {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).join(' ');
}

/** Cuts `text` to `max` characters, ending with `…` when cut. */
export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
