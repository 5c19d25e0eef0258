import { maxToolOutputChars, truncateText } from '../kernel/index.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Strings shorter than this are never cut (keys, statuses, URLs stay readable). */
const keptStringChars = 200;
/** Rounds of cutting before falling back to a preview of the whole output. */
const maxRounds = 50;

interface Slot {
  read(): string;
  write(value: string): void;
}

/** Every string of `value` that may be cut, as a slot that reads and writes it in place. */
function stringSlots(value: Json, slots: Slot[] = []): Slot[] {
  if (value === null || typeof value !== 'object') return slots;
  // An array is an object keyed by its indexes: one walk serves both.
  const container = value as Record<string, Json>;
  for (const [key, item] of Object.entries(container)) {
    if (typeof item !== 'string') {
      stringSlots(item, slots);
      continue;
    }
    let current = item;
    slots.push({
      read: () => current,
      write: (text) => {
        current = text;
        container[key] = text;
      },
    });
  }
  return slots;
}

/**
 * A tool's output as it is stored in its step and shown to the model: unchanged when its JSON has
 * at most `max` characters; otherwise its longest strings are cut, longest first, each ending
 * with a visible marker (`… [truncated N chars]`), so the shape survives — an `http_request`
 * keeps its status, headers and URL, and its body shows where it was cut. An output that cutting
 * strings cannot fit (a huge array of numbers) becomes `{ truncated: true, preview }`.
 */
export function fitToolOutput(output: unknown, max = maxToolOutputChars): unknown {
  const text = JSON.stringify(output ?? null) ?? 'null';
  if (text.length <= max) return output;
  // A holder makes a top-level string a slot like any other; it adds `{"value":}` to the JSON.
  const holder: Json = { value: JSON.parse(text) as Json };
  const room = max + '{"value":}'.length;
  const slots = stringSlots(holder);
  for (let round = 0; round < maxRounds; round++) {
    const excess = JSON.stringify(holder).length - room;
    if (excess <= 0) return holder.value;
    const longest = slots.reduce<Slot | undefined>(
      (best, slot) => (slot.read().length > (best?.read().length ?? keptStringChars) ? slot : best),
      undefined,
    );
    if (!longest) break;
    const current = longest.read();
    longest.write(truncateText(current, Math.max(keptStringChars, current.length - excess - 64)));
  }
  // Escaping at most doubles the preview's length (`"` and `\` become two characters).
  return { truncated: true, preview: truncateText(text, Math.floor(max / 2) - 40) };
}
