import type { Actor, Context, Services } from '../../context/index.js';
import { createTestServices } from '../../context/test-support/services.js';
import type { DialectName } from '../../storage/index.js';
import { createWorkerPool, onTasksCanceled, type WorkerPool } from '../../tasks/index.js';
import { createWorkflowHandlers } from '../run-handler.js';
import type { WorkflowRun, WorkflowRunStatus, WorkflowStepState } from '../run-store.js';
import { createWorkflowCancelHook, getWorkflowRun } from '../workflow-runs.js';

export interface WorkflowHarness {
  services: Services;
  actor: Actor;
  context: Context;
  /** A context of another org (for cross-org 404s). */
  otherContext: Context;
  pool: WorkerPool;
  /** Polls the run until its status is one of `statuses` (default: finished ones). */
  waitFor(
    runId: string,
    statuses?: readonly WorkflowRunStatus[],
    timeoutMs?: number,
  ): Promise<WorkflowRun & { steps: WorkflowStepState[] }>;
  cleanup(): Promise<void>;
}

/** Services over a fresh database, a worker pool with the workflow handlers, and the cancel hook. */
export async function createWorkflowHarness(dialect: DialectName): Promise<WorkflowHarness> {
  const base = await createTestServices(dialect);
  const actor = await base.createOrg('workflows');
  const other = await base.createOrg('other');
  const pool = createWorkerPool(base.services, {
    handlers: createWorkflowHandlers(base.services),
    concurrency: 4,
    pollIntervalMs: 25,
    leaseMs: 5000,
    backoff: { baseMs: 5, maxMs: 20 },
  });
  pool.start();
  const removeHook = onTasksCanceled(createWorkflowCancelHook(base.services));
  const context = base.context(actor);
  return {
    services: base.services,
    actor,
    context,
    otherContext: base.context(other),
    pool,
    async waitFor(runId, statuses = ['succeeded', 'failed', 'canceled'], timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const run = await getWorkflowRun(context, runId);
        if (statuses.includes(run.status)) return run;
        if (Date.now() > deadline)
          throw new Error(`run ${runId} is ${run.status}, not ${statuses.join('/')}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async cleanup() {
      removeHook();
      await pool.stop({ drainMs: 500 });
      await base.cleanup();
    },
  };
}
