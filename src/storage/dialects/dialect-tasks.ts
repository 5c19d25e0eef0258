import type { Kysely } from 'kysely';
import type { Database } from '../database.js';
import type { OutageBackoff } from '../outage.js';
import type { Row, Schema } from '../schema.js';

/** A claimed task's fencing token: a completion or heartbeat only counts while it still matches. */
export interface TaskLease {
  id: string;
  claimCount: number;
}

export interface SucceededTask extends TaskLease {
  /** The handler's result as JSON text. */
  result: string;
}

export interface ClaimRequest {
  workerId: string;
  /** Task kinds this worker has handlers for. */
  kinds: readonly string[];
  limit: number;
  leaseUntil: number;
}

export interface TaskCycleResult {
  claimed: Row<'task'>[];
  /** Ids whose success was recorded (the lease still held). */
  completed: string[];
  /** How many dependents became ready. */
  readied: number;
}

/**
 * The task engine's hot paths, one implementation per dialect: prepared statements on the raw
 * better-sqlite3 handle, raw pg on Postgres. Everything else in `tasks/` goes through Kysely.
 */
export interface TaskStore {
  /**
   * One transaction: records successes (fenced by claim count), readies dependents whose last
   * dependency just succeeded, then claims up to `claim.limit` claimable tasks.
   */
  cycle(
    succeeded: readonly SucceededTask[],
    claim: ClaimRequest | null,
    now: number,
  ): Promise<TaskCycleResult>;
  /** Extends the leases still held; returns the ids that are no longer running under this lease. */
  heartbeat(leases: readonly TaskLease[], leaseUntil: number, now: number): Promise<string[]>;
  /** Stores a memoized step result; the first writer wins. */
  saveStep(taskId: string, name: string, result: string, now: number): Promise<void>;
  /**
   * Inside an enqueue transaction: serializes enqueues per concurrency key until commit, so the
   * order of `key_seq` within a key is commit order (a no-op on SQLite, which has one writer).
   */
  lockConcurrencyKeys(transaction: Kysely<Schema>, keys: readonly string[]): Promise<void>;
  /**
   * Inside a transaction: locks the rows of `ids` in id order (Postgres; SQLite has one writer), so
   * an enqueue that marks dependencies cannot deadlock with a batch completing them.
   */
  lockTasks(transaction: Kysely<Schema>, ids: readonly string[]): Promise<void>;
  /** Inside a transaction: tells other processes' workers that tasks became claimable (at commit). */
  notify(transaction: Kysely<Schema>): Promise<void>;
  /**
   * Calls `onWake` when another process notifies; on a connection error reconnects after the
   * delays of `backoff`, which also logs the outage. Returns a stop function.
   */
  listen(onWake: () => void, backoff: OutageBackoff): () => Promise<void>;
}

const stores = new WeakMap<Database, TaskStore>();

/** The task store of `database`'s dialect (one per database handle). */
export function taskStore(database: Database): TaskStore {
  let store = stores.get(database);
  if (!store) {
    store = database.dialect.createTaskStore(database);
    stores.set(database, store);
  }
  return store;
}
