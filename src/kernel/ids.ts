import { randomBytes } from 'node:crypto';

const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';

export interface IdGenerator {
  /** A new id, sortable by creation time within one process, with the given prefix (`agt_…`). */
  next(prefix: string): string;
}

function encodeTime(milliseconds: number): string {
  let value = milliseconds;
  let output = '';
  for (let index = 0; index < 10; index++) {
    output = alphabet.charAt(value % 32) + output;
    value = Math.floor(value / 32);
  }
  return output;
}

/**
 * ULID-like ids: 10 characters of millisecond time, then 16 of randomness, monotonic within a
 * millisecond (the random part is incremented) so ids created later in a process sort later.
 */
export function createIdGenerator(now: () => number = Date.now): IdGenerator {
  let lastTime = -1;
  let lastRandom: number[] = [];
  return {
    next(prefix) {
      const time = now();
      if (time === lastTime) {
        let index = lastRandom.length - 1;
        while (index >= 0 && lastRandom[index] === 31) {
          lastRandom[index] = 0;
          index--;
        }
        if (index >= 0) lastRandom[index] = (lastRandom[index] ?? 0) + 1;
      } else {
        lastTime = time;
        lastRandom = Array.from(randomBytes(16), (byte) => byte % 32);
        lastRandom[0] = (lastRandom[0] ?? 0) % 16; // headroom for increments
      }
      return `${prefix}_${encodeTime(time)}${lastRandom.map((digit) => alphabet.charAt(digit)).join('')}`;
    },
  };
}
