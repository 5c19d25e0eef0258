import { createHttpHarness, type HttpHarness } from '../../http/test-support/http-harness.js';
import type { DialectName } from '../../storage/index.js';
import type { MissionBoard } from '../mission-types.js';

/** An HTTP harness with 4 workers, for missions. */
export async function createMissionHarness(
  dialect: DialectName,
  env: NodeJS.ProcessEnv = {},
): Promise<HttpHarness> {
  // A short offline-model pause keeps runs from ending before their mission task has suspended
  // (a lock-order race in the engine on Postgres; see docs/missions.md, "Known issues").
  return createHttpHarness(dialect, {
    workers: true,
    config: { workers: 4, taskLeaseMs: 2000, shutdownGraceMs: 500 },
    env: { COLONY_OFFLINE_DELAY_MS: '30', ...env },
  });
}

/** Creates agents over HTTP; returns their ids by name. */
export async function createAgents(
  harness: HttpHarness,
  agents: ReadonlyArray<{
    name: string;
    text: string;
    tags?: string[];
    model?: string;
    instructions?: string;
  }>,
): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const agent of agents) {
    const response = await harness.request('POST', '/v1/agents', {
      body: {
        name: agent.name,
        capabilities: { text: agent.text, tags: agent.tags ?? [] },
        ...(agent.model ? { model: agent.model } : {}),
        ...(agent.instructions ? { instructions: agent.instructions } : {}),
      },
    });
    if (response.status !== 201)
      throw new Error(`agent ${agent.name}: ${response.status} ${await response.text()}`);
    ids[agent.name] = ((await response.json()) as { id: string }).id;
  }
  return ids;
}

/** Polls the status board until `done(board)` (default: a terminal state) or the timeout. */
export async function waitForMission(
  harness: HttpHarness,
  missionId: string,
  done: (board: MissionBoard) => boolean = (board) =>
    ['succeeded', 'failed', 'canceled'].includes(board.state),
  timeoutMs = 20_000,
): Promise<MissionBoard> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await harness.request('GET', `/v1/missions/${missionId}`);
    const board = (await response.json()) as MissionBoard;
    if (done(board)) return board;
    if (Date.now() > deadline) {
      const root = await harness.colony.services.database.db
        .selectFrom('task')
        .selectAll()
        .where('id', '=', board.taskId)
        .executeTakeFirst();
      const tasks = board.tasks.map((task) => [task.key, task.status]);
      throw new Error(
        `mission ${missionId} stuck in ${board.state}: ${JSON.stringify(tasks)}; goal manager task ${JSON.stringify(root)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
