import type { Kysely } from 'kysely';
import type { Schema } from '../storage/index.js';

export const taskStatuses = [
  'pending',
  'ready',
  'running',
  'waiting',
  'succeeded',
  'failed',
  'canceled',
] as const;
export type TaskStatus = (typeof taskStatuses)[number];

/** Statuses a task can still leave; a concurrency key's head is its oldest unfinished task. */
export const unfinishedStatuses: readonly TaskStatus[] = ['pending', 'ready', 'running', 'waiting'];
export const terminalStatuses: readonly TaskStatus[] = ['succeeded', 'failed', 'canceled'];

export type DependencyFailurePolicy = 'cancel' | 'fail';

/** A task as the engine reports it (JSON columns parsed). */
export interface TaskRecord {
  id: string;
  orgId: string;
  kind: string;
  payload: unknown;
  status: TaskStatus;
  priority: number;
  runAt: number;
  /** Attempts that count towards `maxAttempts` (a suspension does not count). */
  attempts: number;
  maxAttempts: number;
  lockedBy: string | null;
  lockedUntil: number | null;
  concurrencyKey: string | null;
  idempotencyKey: string | null;
  parentId: string | null;
  lastError: string | null;
  result: unknown;
  deadlineAt: number | null;
  timeoutMs: number | null;
  onDependencyFailure: DependencyFailurePolicy;
  pendingDependencies: number;
  waitReason: string | null;
  /** Incremented by every claim: the fencing token of the current lease. */
  claimCount: number;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface EnqueueTaskInput {
  orgId: string;
  kind: string;
  payload?: unknown;
  /** Optional caller-chosen id (`tsk_…`), e.g. to store it on a run row before the insert. */
  id?: string;
  /** Higher runs first. Default 0. */
  priority?: number;
  /** Epoch ms; not claimed before. Default now. */
  runAt?: number;
  /** Default 5. */
  maxAttempts?: number;
  /** Actor semantics: only the oldest unfinished task of a key may run. */
  concurrencyKey?: string | null;
  /** Unique per org: enqueueing the same key again returns the existing task. */
  idempotencyKey?: string | null;
  parentId?: string | null;
  /** Epoch ms after which the task fails (its signal aborts at that moment). */
  deadlineAt?: number | null;
  /** Per-attempt time limit: the signal aborts and the attempt fails (and is retried). */
  timeoutMs?: number | null;
  /** Ready only when every one of these tasks succeeded. */
  dependsOn?: readonly string[];
  /** What happens to this task when a dependency fails or is canceled. Default `cancel`. */
  onDependencyFailure?: DependencyFailurePolicy;
}

/** A transaction (or the database) an enqueue or resume joins. */
export type TaskExecutor = Kysely<Schema>;

/** Returned by `context.suspend(reason)`: the task moves to `waiting` without holding a worker. */
export interface SuspendSignal {
  readonly kind: 'suspend';
  readonly reason: string;
}

export interface TaskRunContext {
  task: TaskRecord;
  payload: unknown;
  /** Aborts on deadline or timeout, cancellation, lease loss and worker shutdown. */
  signal: AbortSignal;
  /** 1 for the first attempt; retries count up (a resume after suspension does not). */
  attempt: number;
  /**
   * Runs `fn` once per task: its JSON result is stored and returned again on a retry or resume,
   * without calling `fn`. Names must be unique within a task.
   */
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** Extends the lease now; throws `canceled` (and aborts `signal`) when the task was canceled. */
  heartbeat(): Promise<void>;
  /** `return context.suspend('waiting for approval')` parks the task until `resumeTask`. */
  suspend(reason: string): SuspendSignal;
}

export type TaskHandler = (context: TaskRunContext) => Promise<unknown>;

export interface WorkerPoolOptions {
  handlers: Record<string, TaskHandler>;
  /** Handlers running at once in this pool. */
  concurrency: number;
  workerId?: string;
  /** Lease length; renewed every third of it while a handler runs. Default 30 s. */
  leaseMs?: number;
  /** Poll for work this often even without a wake-up. Default 1 s. */
  pollIntervalMs?: number;
  /** Most tasks claimed in one transaction. Default `min(concurrency, 100)`. */
  batchSize?: number;
  /** Retry delay before jitter: `min(maxMs, baseMs * 2^(attempt-1))`. Default 1 s / 1 h. */
  backoff?: { baseMs?: number; maxMs?: number };
  /** How often expired leases are looked for. Default `leaseMs / 2`. */
  reclaimIntervalMs?: number;
  /**
   * At start and with every reclaim check, reclaim at once the tasks held by dead processes of this
   * host (`reclaimDeadLocalWorkers`) instead of waiting for their leases. Default true.
   */
  recoverLocalWorkers?: boolean;
}

export interface WorkerPool {
  start(): void;
  /** Stops claiming, waits up to `drainMs` for running handlers, then aborts and releases them. */
  stop(options?: { drainMs?: number }): Promise<void>;
  /** Claims now instead of at the next poll. */
  wake(): void;
}
