import { type Context, requireRole } from '../context/index.js';
import { ColonyError } from '../errors/index.js';
import { transact } from '../events/index.js';
import { recordAudit } from '../identity/index.js';
import type { Row } from '../storage/index.js';
import { resumeTask } from '../tasks/index.js';
import { loadBoard, loadMissionRow, missionEvent } from './mission-store.js';
import { type MissionBoard, terminalMissionStates } from './mission-types.js';
import type { OrchestrationServices } from './services.js';

/**
 * Records that a mission reached a human checkpoint (`before-aggregation`, or a task key) and
 * moves it to `checkpoint`. `waitingTaskId` is the durable task that waits and is resumed on
 * approval. Idempotent per name: returns the checkpoint's status (`approved` if it already was).
 */
export async function reachCheckpoint(
  services: OrchestrationServices,
  mission: Pick<Row<'mission'>, 'id' | 'org_id'>,
  name: string,
  waitingTaskId: string,
  missionTaskId?: string,
): Promise<'pending' | 'approved' | 'canceled'> {
  return transact(services, async (transaction, outbox) => {
    const now = services.clock.now();
    const existing = await transaction
      .selectFrom('mission_checkpoint')
      .select('status')
      .where('mission_id', '=', mission.id)
      .where('name', '=', name)
      .executeTakeFirst();
    if (existing) return existing.status as 'pending' | 'approved' | 'canceled';
    await transaction
      .insertInto('mission_checkpoint')
      .values({
        id: services.ids.next('mcp'),
        org_id: mission.org_id,
        mission_id: mission.id,
        name,
        status: 'pending',
        waiting_task_id: waitingTaskId,
        reached_at: now,
        decided_at: null,
        decided_by: null,
      })
      .execute();
    await transaction
      .updateTable('mission')
      .set({ state: 'checkpoint', updated_at: now })
      .where('id', '=', mission.id)
      .where('state', 'not in', [...terminalMissionStates])
      .execute();
    if (missionTaskId) {
      await transaction
        .updateTable('mission_task')
        .set({ status: 'checkpoint', updated_at: now })
        .where('id', '=', missionTaskId)
        .execute();
    }
    await outbox.emit(missionEvent(mission, 'mission-checkpoint-reached', { name }));
    return 'pending';
  });
}

/**
 * Approves a mission's pending checkpoints (all, or the one named) and resumes the work waiting
 * at them. Member or above. `conflict` when nothing is waiting for approval.
 */
export async function approveCheckpoints(
  context: Context<OrchestrationServices>,
  missionId: string,
  input: { name?: string | undefined } = {},
): Promise<MissionBoard> {
  requireRole(context.actor, 'member');
  const { services, actor } = context;
  const mission = await loadMissionRow(services.database.db, missionId, actor.orgId);
  const resumed = await transact(services, async (transaction, outbox) => {
    const now = services.clock.now();
    let query = transaction
      .updateTable('mission_checkpoint')
      .set({ status: 'approved', decided_at: now, decided_by: actor.id })
      .where('mission_id', '=', mission.id)
      .where('status', '=', 'pending');
    if (input.name) query = query.where('name', '=', input.name);
    const approved = await query.returning(['name', 'waiting_task_id']).execute();
    if (approved.length === 0) {
      throw new ColonyError(
        'conflict',
        input.name
          ? `mission ${mission.id} has no pending checkpoint named "${input.name}"`
          : `mission ${mission.id} is not waiting at a checkpoint (state ${mission.state})`,
      );
    }
    const stillPending = await transaction
      .selectFrom('mission_checkpoint')
      .select('id')
      .where('mission_id', '=', mission.id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (!stillPending) {
      await transaction
        .updateTable('mission')
        .set({ state: 'running', updated_at: now })
        .where('id', '=', mission.id)
        .where('state', '=', 'checkpoint')
        .execute();
    }
    for (const checkpoint of approved) {
      await transaction
        .updateTable('mission_task')
        .set({ status: 'running', updated_at: now })
        .where('task_id', '=', checkpoint.waiting_task_id)
        .where('status', '=', 'checkpoint')
        .execute();
      await resumeTask(services, checkpoint.waiting_task_id, transaction);
      await outbox.emit(
        missionEvent(mission, 'mission-checkpoint-approved', { name: checkpoint.name, by: actor.id }),
      );
    }
    await recordAudit(transaction, services, actor, {
      action: 'mission.checkpoint.approve',
      resourceType: 'mission',
      resourceId: mission.id,
      details: { checkpoints: approved.map((checkpoint) => checkpoint.name) },
    });
    return approved.length;
  });
  if (resumed > 0) services.runs.afterCommit();
  return loadBoard(services.database.db, mission.id, actor.orgId);
}
