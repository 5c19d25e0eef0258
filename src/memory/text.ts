import { createHash } from 'node:crypto';

const stopWords = new Set(
  (
    'a an and are as at be been but by can could did do does for from had has have he her hers him his how i if in ' +
    'into is it its just me my mine no not of on or our ours she so than that the their them then there these they ' +
    'this those to too us was we were what when where which who whom why will with would you your yours yes ok okay ' +
    'am about again all also any because before being both each few more most much other over own same should some ' +
    'such only very s t don now up down out off once here tell know remember recall say said'
  ).split(' '),
);

/** Lower-cased, whitespace-collapsed text: the form that is hashed for exact-duplicate detection. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** The exact-duplicate key of a memory: the first 128 bits of SHA-256 of its normalized text, as hex. */
export function contentHash(text: string): string {
  return createHash('sha256').update(normalizeText(text)).digest('hex').slice(0, 32);
}

/** Lower-case alphanumeric words (Unicode letters and digits), apostrophes dropped. */
export function words(text: string): string[] {
  return (
    text
      .toLowerCase()
      .replace(/['’]/g, '')
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

export function isStopWord(word: string): boolean {
  return stopWords.has(word);
}

/** The terms a lexical query ORs together: distinct content words, at most 16. */
export function lexicalTerms(query: string): string[] {
  const terms = new Set<string>();
  for (const word of words(query)) {
    if (word.length < 2 || stopWords.has(word)) continue;
    if (!/^[a-z0-9]+$/.test(word)) continue;
    terms.add(word);
    if (terms.size >= 16) break;
  }
  return [...terms];
}

/** The content words of a text, for "adds nothing new" checks and "why" explanations. */
export function contentWords(text: string): Set<string> {
  return new Set(words(text).filter((word) => !stopWords.has(word)));
}

/** Rough token count (4 characters per token), good enough for budgeting context. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Markers around memory text injected into a prompt; extraction strips what lies between them. */
export const injectedOpen = '<memory-context>';
export const injectedClose = '</memory-context>';

export function markInjected(text: string): string {
  return `${injectedOpen}\n${text}\n${injectedClose}`;
}

export function stripInjected(text: string): string {
  return text.replace(/<memory-context>[\s\S]*?(<\/memory-context>|$)/g, ' ').trim();
}

function cleanSubject(text: string): string {
  return normalizeText(text)
    .replace(/^(the|a|an)\s+/, '')
    .replace(/[^\p{L}\p{N}' .-]/gu, '')
    .trim();
}

/**
 * The subject a fact is about, when a deterministic pattern can tell (`user.favorite color`,
 * `alice works at`, `pref:scripting`); two live `semantic`/`preference`/`relationship` records
 * with one subject and different content contradict each other. Returns null when unsure.
 */
export function deriveSubject(type: string, content: string): string | null {
  const text = content.trim().replace(/[.!]+$/, '');
  if (type === 'semantic' || type === 'preference') {
    const possessive = /^(?:the user['’]s|user['’]s|my)\s+(.{2,48}?)\s+(?:is|are|was)\s+\S/i.exec(text);
    if (possessive?.[1]) return `user.${cleanSubject(possessive[1])}`;
    const lives = /^(?:the user|user|i)\s+(lives?|live)\s+in\s/i.exec(text);
    if (lives) return 'user.home';
  }
  if (type === 'preference') {
    const context = /\b(?:prefers?|likes?|wants?)\b.+?\b(?:for|when)\s+(.{2,40})$/i.exec(text);
    if (context?.[1]) return `pref:${cleanSubject(context[1])}`;
  }
  if (type === 'relationship' || type === 'semantic') {
    const works = /^(.{2,40}?)\s+(?:works|work)\s+(?:at|for)\s+\S/i.exec(text);
    if (works?.[1]) {
      const who = cleanSubject(works[1]);
      return `${who === 'i' || who === 'the user' || who === 'user' ? 'user' : who} works at`;
    }
  }
  return null;
}

/** The text a memory is embedded as: its content, plus its type's name for non-episodic records. */
export function embeddingText(type: string, content: string): string {
  return type === 'episodic' ? content : `${content} (${type})`;
}

/** Most terms a query derived from a long text carries. */
const derivedQueryTerms = 48;

/**
 * A search query for a text of any length: the text itself when it fits in `limit` characters;
 * otherwise its most informative terms — distinct content words (stop words and one-letter words
 * dropped), the most frequent first, ties in order of first appearance — at most 48 of them,
 * joined by spaces within `limit`. A text with no content word is cut instead.
 *
 * @example
 * searchQueryOf(longPaste); // 'invoice vendor march total overdue …'
 */
export function searchQueryOf(text: string, limit: number): string {
  const trimmed = text.trim();
  if (trimmed.length <= limit) return trimmed;
  const counts = new Map<string, number>();
  for (const word of words(trimmed)) {
    if (word.length < 2 || stopWords.has(word)) continue;
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const ranked = [...counts.entries()]
    .map(([word, count], index) => ({ word, count, index }))
    .sort((a, b) => b.count - a.count || a.index - b.index);
  let query = '';
  for (const { word } of ranked.slice(0, derivedQueryTerms)) {
    const next = query === '' ? word : `${query} ${word}`;
    if (next.length > limit) break;
    query = next;
  }
  return query === '' ? trimmed.slice(0, limit).trim() : query;
}
