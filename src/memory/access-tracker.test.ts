import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../storage/index.js';
import { testDialects } from '../storage/test-support/databases.js';
import { holdTable } from '../storage/test-support/hold-lock.js';
import { eventually } from '../tasks/test-support/harness.js';
import { AccessTracker } from './access-tracker.js';
import { addMemory, getMemory } from './memories.js';
import { createMemoryTestServices, type MemoryTestServices } from './test-support/memory-test-services.js';

describe.each(testDialects)('memory access statistics on %s', (dialect) => {
  let test: MemoryTestServices | undefined;
  afterEach(async () => {
    await test?.cleanup();
    test = undefined;
  });

  it('keeps the counts through a database outage and writes them when it ends', async () => {
    test = await createMemoryTestServices(dialect);
    const context = test.context(await test.createUser());
    const { memory } = await addMemory(context, {
      scope: { kind: 'org', id: context.actor.orgId },
      type: 'semantic',
      content: 'The office plant is called Fern',
    });
    const lines: Array<{ msg: string }> = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    // A handle of its own whose statements give up quickly, so the held table is an outage.
    const url = test.base.test.url;
    const database = openDatabase({ url, statementTimeoutMs: 100, backgroundCheckpoints: false });
    database.native.sqlite?.pragma('busy_timeout = 20');
    const tracker = new AccessTracker(database, 20, logger);
    const release = await holdTable(dialect, url, 'memory');
    try {
      tracker.record([memory.id], 1000);
      tracker.record([memory.id], 2000);
      await eventually(() => lines.length > 0, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 300)); // more failed flushes
    } finally {
      await release();
    }
    // Both hits land once the table is free again: the failed flushes dropped nothing.
    await eventually(async () => (await getMemory(context, memory.id)).accessCount === 2, 10_000);
    await tracker.close();
    await database.close();
    expect(lines.map((line) => line.msg)).toEqual([
      expect.stringMatching(/^memory access statistics: database unavailable \((busy|timeout)\)/),
      'memory access statistics: database available again',
    ]);
  });
});
