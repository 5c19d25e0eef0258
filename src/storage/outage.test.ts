import { describe, expect, it } from 'vitest';
import { createOutageBackoff, type OutageLogger } from './outage.js';

function recordingLogger() {
  const lines: Array<{ level: 'warn' | 'info'; message: string; details: object }> = [];
  const logger: OutageLogger = {
    warn: (details, message) => lines.push({ level: 'warn', message, details }),
    info: (details, message) => lines.push({ level: 'info', message, details }),
  };
  return { logger, lines };
}

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('outage backoff', () => {
  it('logs an outage once, not per attempt, and its end once', () => {
    const { logger, lines } = recordingLogger();
    const backoff = createOutageBackoff(logger, 'task claims');
    for (let attempt = 0; attempt < 5; attempt++) backoff.failed(refused());
    expect(backoff.failing).toBe(true);
    backoff.succeeded();
    backoff.succeeded();
    expect(backoff.failing).toBe(false);
    expect(lines.map((line) => `${line.level} ${line.message}`)).toEqual([
      'warn task claims: database unavailable (connection); retrying with backoff until it returns',
      'info task claims: database available again',
    ]);
    expect(lines[1]?.details).toMatchObject({ subject: 'task claims', attempts: 5 });
  });

  it('logs every other error: a bug is not weather', () => {
    const { logger, lines } = recordingLogger();
    const backoff = createOutageBackoff(logger, 'scheduler');
    backoff.failed(new Error('no such column: nope'));
    backoff.failed(new Error('no such column: nope'));
    backoff.succeeded();
    expect(lines.map((line) => `${line.level} ${line.message}`)).toEqual([
      'warn scheduler failed',
      'warn scheduler failed',
    ]);
  });

  it('waits exponentially longer, with jitter, up to the cap', () => {
    const backoff = createOutageBackoff(recordingLogger().logger, 'loop', { baseMs: 100, maxMs: 1000 });
    const delays = Array.from({ length: 8 }, () => backoff.failed(refused()));
    const ceilings = [100, 200, 400, 800, 1000, 1000, 1000, 1000];
    delays.forEach((delay, index) => {
      expect(delay).toBeGreaterThanOrEqual((ceilings[index] ?? 0) / 2);
      expect(delay).toBeLessThanOrEqual(ceilings[index] ?? 0);
    });
    backoff.succeeded();
    expect(backoff.failed(refused())).toBeLessThanOrEqual(100);
  });
});
