import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { isTestCode, locate, parseSource, typescriptFiles } from './test-support/source-files.js';

/**
 * Files that read the system clock on purpose, each with its reason. Everything else takes the
 * time from the injected `Clock` (`services.clock.now()`), so tests control it.
 */
const readsSystemClock: Record<string, string> = {
  'kernel/clock.ts': 'the system clock itself',
  'storage/migrator.ts': 'migrations run before any service (and its clock) exists',
  'storage/outage.ts': 'measures how long a real database outage lasts, for the log',
  'storage/dialects/term-budget.ts': 'a real-time budget for a database query',
  'tasks/worker-pool.ts':
    'real time of a drain or an outage give-up: a test clock that stands still would wait forever',
  'tasks/wait-for-task.ts': 'a real timeout of a wait, as above',
  'tasks/builtin-handlers.ts': 'the sleep task reports the real time it slept',
  'http/sse.ts': 'the heartbeat of a live connection, in real time',
  'http/rate-limiter.ts': 'throttles a log line in real time',
  'models/offline/call-log.ts': 'a debugging log of offline model calls, outside any data',
  'cli/commands/backup.ts': 'stamps the backup manifest; the command runs without services',
  'cli/commands/migrate-data.ts': 'stamps the migration manifest; the command runs without services',
};

/** `Date.now()` and `new Date()` without an argument: reading the clock, not converting a time. */
function clockReads(source: ts.SourceFile): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    const isDateNow =
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.expression.getText() === 'Date' &&
      node.expression.name.text === 'now';
    const isNewDate =
      ts.isNewExpression(node) && node.expression.getText() === 'Date' && (node.arguments ?? []).length === 0;
    if (isDateNow || isNewDate) found.push(locate(node));
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('the injected clock', () => {
  it('recognises each way of reading the system clock', () => {
    const reads = (text: string) => clockReads(parseSource('snippet.ts', text)).length;
    expect(reads('const at = Date.now();')).toBe(1);
    expect(reads('const at = new Date();')).toBe(1);
    expect(reads('const at = new Date(epochMs).toISOString();')).toBe(0);
    expect(reads('const at = services.clock.now();')).toBe(0);
  });

  it('is the only clock outside the listed exceptions', () => {
    const found = typescriptFiles()
      .filter((path) => !isTestCode(path) && readsSystemClock[path] === undefined)
      .flatMap((path) => clockReads(parseSource(path)));
    expect(found).toEqual([]);
  });

  it('lists only exceptions that still read the system clock', () => {
    const stale = Object.keys(readsSystemClock).filter((path) => clockReads(parseSource(path)).length === 0);
    expect(stale).toEqual([]);
  });
});
