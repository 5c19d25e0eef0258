import type { Context } from '../context/index.js';
import { loadRun, loadSteps } from './run-store.js';
import type { Run, RunStep } from './run-types.js';

/** A run of the caller's org with its persisted steps. */
export async function getRun(context: Context, runId: string): Promise<Run & { steps: RunStep[] }> {
  const run = await loadRun(context.services.database.db, runId, context.actor.orgId);
  return { ...run, steps: await loadSteps(context.services.database.db, run.id) };
}

/**
 * The chat's newest run that is still queued or running (what a reconnecting client resumes);
 * undefined when none is. The chat must be the caller's (checked by the caller).
 */
export async function findActiveRun(context: Context, chatId: string): Promise<Run | undefined> {
  const row = await context.services.database.db
    .selectFrom('run')
    .select('id')
    .where('conversation_id', '=', chatId)
    .where('org_id', '=', context.actor.orgId)
    .where('status', 'in', ['queued', 'running'])
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? loadRun(context.services.database.db, row.id, context.actor.orgId) : undefined;
}
