/**
 * A bench worker process: `node --import tsx bench/tasks/worker.ts <database url>`. Runs no-op
 * `bench-noop` tasks until SIGTERM. Prints `ready` once started.
 */
import { createEventBus } from '../../src/events/index.js';
import { createIdGenerator, systemClock } from '../../src/kernel/index.js';
import { createSilentLogger } from '../../src/observability/index.js';
import { openDatabase } from '../../src/storage/index.js';
import { createWorkerPool } from '../../src/tasks/index.js';

const url = process.argv[2];
if (!url) throw new Error('usage: worker.ts <database url>');
const database = openDatabase({ url, poolSize: 4 });
const services = {
  database,
  bus: createEventBus(),
  clock: systemClock,
  ids: createIdGenerator(),
  logger: createSilentLogger(),
};
const pool = createWorkerPool(services, {
  concurrency: Number(process.env.BENCH_CONCURRENCY ?? 200),
  batchSize: Number(process.env.BENCH_BATCH ?? 200),
  pollIntervalMs: 10,
  handlers: { 'bench-noop': async () => null },
});
pool.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void pool
    .stop({ drainMs: 1000 })
    .then(() => database.close())
    .then(() => process.exit(0));
});
