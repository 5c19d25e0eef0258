import type { Row } from '../storage/index.js';
import { parseJson } from '../storage/index.js';
import type { DependencyFailurePolicy, TaskRecord, TaskStatus } from './types.js';

function optionalNumber(value: number | null | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** Maps a `task` row to a record, parsing payload and result. */
export function toTaskRecord(row: Row<'task'>): TaskRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    kind: row.kind,
    payload: parseJson<unknown>(row.payload, null),
    status: row.status as TaskStatus,
    priority: Number(row.priority),
    runAt: Number(row.run_at),
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    lockedBy: row.locked_by,
    lockedUntil: optionalNumber(row.locked_until),
    concurrencyKey: row.concurrency_key,
    idempotencyKey: row.idempotency_key,
    parentId: row.parent_id,
    lastError: row.last_error,
    result: parseJson<unknown>(row.result, null),
    deadlineAt: optionalNumber(row.deadline_at),
    timeoutMs: optionalNumber(row.timeout_ms),
    onDependencyFailure: row.on_dependency_failure as DependencyFailurePolicy,
    pendingDependencies: Number(row.pending_dependencies),
    waitReason: row.wait_reason,
    claimCount: Number(row.claim_count),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    startedAt: optionalNumber(row.started_at),
    finishedAt: optionalNumber(row.finished_at),
  };
}
