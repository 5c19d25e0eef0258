import { parseJson, type Row } from '../storage/index.js';
import { enqueueTask, resumeTask, type TaskExecutor, type TaskHandler } from '../tasks/index.js';
import { loadMissionRow, loadMissionTasks } from './mission-store.js';
import { terminalMissionStates, unfinishedMissionTaskStatuses } from './mission-types.js';
import { missionWatchdogKind, type OrchestrationServices } from './services.js';

/** How often a mission's watchdog looks for a wake-up that was lost. */
export const watchdogIntervalMs = 2000;

/** Enqueues the next watchdog tick of a mission (idempotent per tick). */
export async function scheduleWatchdog(
  services: OrchestrationServices,
  mission: Pick<Row<'mission'>, 'id' | 'org_id' | 'task_id'>,
  tick: number,
  transaction?: TaskExecutor,
): Promise<void> {
  await enqueueTask(
    services,
    {
      orgId: mission.org_id,
      kind: missionWatchdogKind,
      payload: { missionId: mission.id, tick },
      runAt: services.clock.now() + watchdogIntervalMs,
      idempotencyKey: `mission-watchdog:${mission.id}:${tick}`,
      parentId: mission.task_id,
      maxAttempts: 3,
    },
    transaction,
  );
}

async function waitingTasks(services: OrchestrationServices, ids: readonly string[]) {
  if (ids.length === 0) return new Map<string, string | null>();
  const rows = await services.database.db
    .selectFrom('task')
    .select(['id', 'wait_reason'])
    .where('id', 'in', [...ids])
    .where('status', '=', 'waiting')
    .execute();
  return new Map(rows.map((row) => [row.id, row.wait_reason]));
}

/**
 * The mission watchdog: every `watchdogIntervalMs` while a mission is unfinished, it resumes a
 * waiting goal manager or mission task whose wait is over (its runs ended, its checkpoint was
 * approved, every task of the plan ended) — a safety net for a lost wake-up, so a mission can
 * be late but never stuck. Spurious resumes are harmless (handlers replay from their steps).
 */
export function createMissionWatchdog(services: OrchestrationServices): TaskHandler {
  return async (context) => {
    const { missionId, tick } = context.payload as { missionId: string; tick: number };
    const mission = await loadMissionRow(services.database.db, missionId);
    if ((terminalMissionStates as readonly string[]).includes(mission.state)) return { resumed: 0 };
    const tasks = await loadMissionTasks(services.database.db, missionId);
    const waiting = await waitingTasks(services, [mission.task_id, ...tasks.map((task) => task.task_id)]);
    const checkpoints = await services.database.db
      .selectFrom('mission_checkpoint')
      .select(['waiting_task_id', 'status'])
      .where('mission_id', '=', missionId)
      .execute();
    const approved = new Set(
      checkpoints.filter((row) => row.status === 'approved').map((row) => row.waiting_task_id),
    );
    const toResume: string[] = [];
    for (const task of tasks) {
      const reason = waiting.get(task.task_id);
      if (reason === undefined) continue;
      if ((reason ?? '').includes('checkpoint')) {
        if (approved.has(task.task_id)) toResume.push(task.task_id);
        continue;
      }
      const runIds = parseJson<string[]>(task.run_ids, []);
      const active =
        runIds.length === 0
          ? []
          : await services.database.db
              .selectFrom('run')
              .select('id')
              .where('id', 'in', runIds)
              .where('status', 'not in', ['succeeded', 'failed', 'canceled'])
              .execute();
      if (active.length === 0) toResume.push(task.task_id);
    }
    const rootReason = waiting.get(mission.task_id);
    if (rootReason !== undefined) {
      const current = tasks.filter((task) => Number(task.generation) === Number(mission.generation));
      const settled = current.every(
        (task) => !(unfinishedMissionTaskStatuses as readonly string[]).includes(task.status),
      );
      const failed = current.some((task) => task.status === 'failed');
      if ((rootReason ?? '').includes('checkpoint') ? approved.has(mission.task_id) : settled || failed) {
        toResume.push(mission.task_id);
      }
    }
    for (const id of toResume) await resumeTask(services, id);
    await scheduleWatchdog(services, mission, tick + 1);
    if (toResume.length > 0) {
      services.logger.warn(
        { missionId, resumed: toResume },
        'mission watchdog resumed tasks whose wake-up was lost',
      );
    }
    return { resumed: toResume.length };
  };
}
