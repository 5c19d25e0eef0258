import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface Checkpointer {
  /** Stops the thread after its current checkpoint, if any, and closes its connection. */
  stop(): Promise<void>;
}

export interface CheckpointerOptions {
  /** How often the thread runs a passive checkpoint. */
  intervalMs?: number;
  /** Longest wait between attempts while checkpoints fail (default 10 s). */
  maxBackoffMs?: number;
  /** The first checkpoint of a failing streak failed, or the thread did. */
  onError?: (message: string) => void;
  /** A checkpoint succeeded after `failedAttempts` failed ones. */
  onRecover?: (failedAttempts: number) => void;
}

// The thread's code, evaluated as CommonJS: it runs the same way from `dist/` and under tsx or
// vitest, which would not transform a worker file of its own.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const message = (error) => String((error && error.message) || error);
let db;
try {
  // A short busy wait: a lock held for longer is a failing attempt, retried with backoff.
  db = new Database(workerData.filename, { fileMustExist: true, timeout: 100 });
} catch (error) {
  // A SqliteError reaches the parent as a plain object without its message; an Error does not.
  throw new Error(message(error));
}
let stopped = false;
let failures = 0;
const tick = () => {
  if (stopped) return;
  try {
    // PASSIVE copies what no reader still needs and never waits for, nor blocks, the writer.
    db.pragma('wal_checkpoint(PASSIVE)');
    if (failures > 0) parentPort.postMessage({ recovered: failures });
    failures = 0;
  } catch (error) {
    // A failing disk fails every attempt: report the first, then back off (doubling, capped).
    failures++;
    if (failures === 1) parentPort.postMessage({ error: message(error) });
  }
  const delay = Math.min(workerData.maxBackoffMs, workerData.intervalMs * 2 ** failures);
  timer = setTimeout(tick, Math.max(workerData.intervalMs, delay));
};
let timer = setTimeout(tick, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  stopped = true;
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Runs SQLite's WAL checkpoints on a thread of their own. A checkpoint copies the log's pages
 * into the database file and syncs it; left to the writer (`wal_autocheckpoint`), it ran inside
 * whichever commit crossed the threshold, and every request waiting on the event loop waited
 * for it too: under bench/api it alone made the slowest 3% of accepted messages twice as slow.
 * The writer keeps `wal_autocheckpoint` only as a high safety limit (sqlite.ts).
 */
export function startCheckpointer(filename: string, options: CheckpointerOptions = {}): Checkpointer {
  const worker = new Worker(workerSource, {
    eval: true,
    // The thread only calls into SQLite: a small heap keeps the idle process small.
    resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
    workerData: {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      filename,
      intervalMs: options.intervalMs ?? 200,
      maxBackoffMs: options.maxBackoffMs ?? 10_000,
    },
  });
  worker.unref();
  worker.on('message', (message: { error?: string; recovered?: number }) => {
    if (message.error) options.onError?.(message.error);
    if (message.recovered) options.onRecover?.(message.recovered);
  });
  worker.on('error', (error) => options.onError?.(error.message));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      // Unreferenced, the thread would not keep the event loop alive while we wait for it to exit.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
