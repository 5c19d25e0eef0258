/** The marker that ends cut text: `… [truncated 1234 chars]`. */
export function truncationMarker(removed: number): string {
  return `… [truncated ${removed} chars]`;
}

/**
 * `text` when it has at most `max` characters; otherwise its beginning followed by a visible
 * marker saying how much was cut, at most `max` characters in all (a bare `…` when `max` is too
 * small for the marker). Never splits a surrogate pair.
 *
 * @example
 * truncateText('a'.repeat(50), 30); // 'aaaaaaaa… [truncated 42 chars]'
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = max - truncationMarker(text.length).length;
  if (room <= 0) return max > 0 ? `${text.slice(0, max - 1)}…` : '';
  // The marker counts what is really removed, which may have a digit fewer than the whole length.
  const closer = max - truncationMarker(text.length - room).length;
  let kept = closer + truncationMarker(text.length - closer).length <= max ? closer : room;
  const code = text.charCodeAt(kept - 1);
  if (code >= 0xd800 && code <= 0xdbff) kept--;
  return `${text.slice(0, kept)}${truncationMarker(text.length - kept)}`;
}
