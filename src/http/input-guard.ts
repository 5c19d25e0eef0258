/** How deep a request value may nest: deeper JSON is refused before anything recurses over it. */
export const maxInputDepth = 64;

/** How many values (strings, numbers, arrays, objects…) one request value may hold in all. */
export const maxInputValues = 100_000;

/**
 * A NUL (which Postgres refuses in text) or a lone surrogate (which no UTF-8 encoder can write:
 * both databases would store U+FFFD instead, so the value read back would differ). With the `u`
 * flag a well-formed surrogate pair is one code point and does not match `\p{Cs}`.
 */
const unsafeCharacter = /[\0\p{Cs}]/u;

export interface UnsafeInput {
  /** Dotted path of the offending field, led by the input's part: `json.tags.0`, `param.id`. */
  path: string;
  message: string;
}

function describeString(text: string): string {
  return text.includes('\0')
    ? 'must not contain NUL (\\u0000) characters'
    : 'must be well-formed Unicode (a lone surrogate cannot be stored)';
}

/**
 * Finds the first part of a validated request value that the API refuses as a class, whatever
 * the route: a string with a NUL or a lone surrogate (also in an object key), nesting deeper than
 * `maxInputDepth`, or more than `maxInputValues` values. Undefined when the value is safe.
 * Recursion stops at `maxInputDepth`, so a 100,000-deep body cannot overflow the stack here.
 *
 * @example
 * findUnsafeInput({ name: 'a\u0000b' }, 'json'); // { path: 'json.name', message: 'must not contain NUL …' }
 */
export function findUnsafeInput(value: unknown, part: string): UnsafeInput | undefined {
  let values = 0;
  const path: string[] = [];
  const visit = (current: unknown): UnsafeInput | undefined => {
    values++;
    if (values > maxInputValues) {
      return { path: part, message: `holds more than ${maxInputValues} values` };
    }
    if (typeof current === 'string') {
      return unsafeCharacter.test(current)
        ? { path: [part, ...path].join('.'), message: describeString(current) }
        : undefined;
    }
    if (typeof current !== 'object' || current === null) return undefined;
    if (path.length >= maxInputDepth) {
      return {
        path: [part, ...path.slice(0, 1)].join('.'),
        message: `nests deeper than ${maxInputDepth} levels`,
      };
    }
    const entries = Array.isArray(current) ? current.entries() : Object.entries(current);
    for (const [key, item] of entries) {
      const name = String(key);
      if (unsafeCharacter.test(name)) {
        return { path: [part, ...path].join('.'), message: `has a key that ${describeString(name)}` };
      }
      path.push(name);
      const found = visit(item);
      path.pop();
      if (found) return found;
    }
    return undefined;
  };
  return visit(value);
}
