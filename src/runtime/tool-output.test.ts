import { describe, expect, it } from 'vitest';
import { fitToolOutput } from './tool-output.js';

const marker = /… \[truncated \d+ chars\]$/;
const size = (value: unknown) => JSON.stringify(value).length;

describe('fitToolOutput', () => {
  it('returns an output that fits unchanged', () => {
    const output = { status: 200, body: 'ok' };
    expect(fitToolOutput(output, 100)).toBe(output);
  });

  it('cuts the longest strings and keeps the shape and the short fields', () => {
    const output = {
      status: 200,
      headers: { 'content-type': 'text/plain' },
      body: 'x'.repeat(1_000_000),
      note: 'y'.repeat(5_000),
      url: 'https://example.com/',
    };
    const fitted = fitToolOutput(output, 64_000) as typeof output;
    expect(size(fitted)).toBeLessThanOrEqual(64_000);
    expect(fitted.status).toBe(200);
    expect(fitted.headers).toEqual(output.headers);
    expect(fitted.url).toBe(output.url);
    expect(fitted.note).toBe(output.note);
    expect(fitted.body).toMatch(marker);
    expect(output.body).toHaveLength(1_000_000);
  });

  it('shares the cut among several long strings, with escaping, and handles a bare string', () => {
    const quotes = Array.from({ length: 3 }, () => '"'.repeat(40_000));
    const fitted = fitToolOutput({ parts: quotes }, 30_000) as { parts: string[] };
    expect(size(fitted)).toBeLessThanOrEqual(30_000);
    expect(fitted.parts.every((part) => marker.test(part))).toBe(true);
    const text = fitToolOutput('z'.repeat(10_000), 1_000);
    expect(size(text)).toBeLessThanOrEqual(1_000);
    expect(text).toMatch(marker);
  });

  it('falls back to a preview when no string can be cut enough', () => {
    const numbers = Array.from({ length: 50_000 }, (_, index) => index);
    const fitted = fitToolOutput(numbers, 10_000) as { truncated: boolean; preview: string };
    expect(size(fitted)).toBeLessThanOrEqual(10_000);
    expect(fitted.truncated).toBe(true);
    expect(fitted.preview).toMatch(marker);
  });
});
