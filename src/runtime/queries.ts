import type { Context } from '../context/index.js';
import { loadRun, loadSteps } from './run-store.js';
import type { Run, RunStep } from './run-types.js';

/** A run of the caller's org with its persisted steps. */
export async function getRun(context: Context, runId: string): Promise<Run & { steps: RunStep[] }> {
  const run = await loadRun(context.services.database.db, runId, context.actor.orgId);
  return { ...run, steps: await loadSteps(context.services.database.db, run.id) };
}
