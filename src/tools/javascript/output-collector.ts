import { truncationMarker } from '../../kernel/index.js';

/** Collects console lines up to `max` characters, counting (not keeping) whatever comes after. */
export function createOutputCollector(max: number) {
  let kept = '';
  let total = 0;
  return {
    /** One console call: `text` may be cut already, `length` is how long it really was. */
    write(level: string, text: string, length = text.length): void {
      const prefix = level === 'log' ? '' : `[${level}] `;
      const line = `${prefix}${text}\n`;
      total += prefix.length + length + 1;
      if (kept.length <= max) kept += line.slice(0, max + 1 - kept.length);
    },
    /** The output, ending with the truncation marker when some of it was dropped. */
    result(): { console: string; truncated: boolean } {
      if (total <= max) return { console: kept, truncated: false };
      const room = Math.max(0, max - truncationMarker(total).length);
      return { console: `${kept.slice(0, room)}${truncationMarker(total - room)}`, truncated: true };
    },
  };
}
