/**
 * Words that end with a period without ending a sentence, lower-case and without the final
 * period: titles before a name, street and place abbreviations, Latin abbreviations.
 */
const abbreviations = new Set([
  'mr',
  'mrs',
  'ms',
  'mx',
  'dr',
  'prof',
  'rev',
  'gen',
  'col',
  'capt',
  'lt',
  'sgt',
  'sr',
  'jr',
  'st',
  'mt',
  'ft',
  'ave',
  'blvd',
  'rd',
  'no',
  'vs',
  'e.g',
  'i.e',
  'cf',
  'approx',
  'dept',
  'inc',
  'ltd',
  'co',
  'corp',
  'a.m',
  'p.m',
  'u.s',
  'u.k',
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'oct',
  'nov',
  'dec',
]);

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

function endsWithAbbreviation(segment: string): boolean {
  const match = /(?:^|[\s(])([\p{L}.]+)\.\s*$/u.exec(segment);
  return match?.[1] !== undefined && abbreviations.has(match[1].toLowerCase());
}

/**
 * Splits text into sentences with `Intl.Segmenter` (Unicode sentence boundaries: ".", "!", "?",
 * closing quotes, decimals such as "3.5"), then joins the breaks it makes after a known
 * abbreviation ("Dr. Okonkwo", "Mr. Smith", "St. Louis", "e.g. apples"), which ICU's root rules
 * do not suppress. Line breaks always end a sentence.
 *
 * @example
 * splitSentences('My dentist is Dr. Okonkwo on Elm Street. I live in Porto.');
 * // ['My dentist is Dr. Okonkwo on Elm Street.', 'I live in Porto.']
 */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  for (const line of text.split(/\r?\n+/)) {
    let pending = '';
    for (const { segment } of segmenter.segment(line)) {
      pending += segment;
      if (!endsWithAbbreviation(pending)) {
        sentences.push(pending.trim());
        pending = '';
      }
    }
    sentences.push(pending.trim());
  }
  return sentences.filter((sentence) => sentence.length > 0);
}
