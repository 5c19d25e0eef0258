import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const prefixAlphabet = 'abcdefghijkmnpqrstuvwxyz23456789';

/**
 * API keys look like `ck_<prefix>_<secret>`: a 10-character lookup prefix that is safe to show,
 * then 32 random bytes (base64url). Only a SHA-256 of the whole key is stored; keys are
 * high-entropy, so a slow password hash would add latency to every request and no safety.
 */
export function generateApiKey(): { key: string; prefix: string } {
  const prefix = Array.from(randomBytes(10), (byte) =>
    prefixAlphabet.charAt(byte % prefixAlphabet.length),
  ).join('');
  const secret = randomBytes(32).toString('base64url');
  return { key: `ck_${prefix}_${secret}`, prefix };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Splits a presented key into its prefix, or returns null when it is not shaped like a key. */
export function prefixOf(key: string): string | null {
  const match = /^ck_([a-z0-9]{10})_[A-Za-z0-9_-]{43,}$/.exec(key);
  return match?.[1] ?? null;
}

export function hashesEqual(left: string, right: string): boolean {
  const a = Buffer.from(left, 'hex');
  const b = Buffer.from(right, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
