import { afterEach, describe, expect, it } from 'vitest';
import {
  createServerEnvironment,
  type ServerEnvironment,
} from '../server/test-support/server-environment.js';
import { callApi, type SpawnedServer, spawnServer, until } from '../server/test-support/spawn-server.js';
import { testDialects } from '../storage/test-support/databases.js';

/** A `${ … }` template string. */
const expr = (source: string) => `\${ ${source} }`;

const adminKey = 'colony-test-admin-key-0123456789abcdefghijklmnop';

interface Run {
  id: string;
  status: string;
  output: unknown;
  steps: Array<{ key: string; status: string; attempts: number }>;
}

/** 24 items × (a slow expression, a 100 ms wait, a set), then an approval and a last step. */
const definition = {
  name: 'crashy',
  steps: [
    {
      id: 'items',
      type: 'map',
      items: '[1..24]',
      concurrency: 4,
      steps: [
        { id: 'work', type: 'set', values: { sum: expr('$sum([1..60000]) + $item') } },
        { id: 'pause', type: 'wait', durationMs: 100 },
        { id: 'note', type: 'set', values: { item: expr('$item') } },
      ],
    },
    { id: 'sign-off', type: 'approval', prompt: 'ship?' },
    { id: 'total', type: 'set', values: { count: expr('$count($steps.items.output)') } },
  ],
};

/**
 * SIGKILLs the real server while a run is in the middle of its map and again while it waits for
 * an approval: after each restart the run goes on from its first unfinished step, every step
 * completes exactly once, and a step cut off mid-flight starts at most twice.
 */
describe.each(testDialects)('workflow runs survive SIGKILL on %s', (dialect) => {
  let environment: ServerEnvironment | undefined;
  let server: SpawnedServer | undefined;

  afterEach(async () => {
    await server?.kill('SIGKILL');
    await environment?.cleanup();
  });

  it('resumes mid-map and mid-approval without repeating a completed step', async () => {
    environment = await createServerEnvironment(dialect, { prefix: 'colony-workflow-crash-', adminKey });
    const env = environment.env;
    server = await spawnServer(env);
    const api = <T>(method: string, path: string, body?: unknown) =>
      callApi<T>(server?.url ?? '', adminKey, method, path, body);
    await api('POST', '/v1/workflows', { definition });
    const runs = await Promise.all(
      [1, 2].map(() => api<Run>('POST', '/v1/workflow-runs', { workflow: 'crashy' })),
    );
    const completed = async (run: Run) =>
      (await api<Run>('GET', `/v1/workflow-runs/${run.id}`)).steps.filter(
        (step) => step.status === 'completed',
      ).length;

    // Mid-map: some items done, most not.
    await until('the map to be under way', async () =>
      (await completed(runs[0] as Run)) >= 12 ? true : undefined,
    );
    await server.kill('SIGKILL');
    server = await spawnServer(env);

    // Mid-approval: both runs parked on the approval.
    for (const run of runs) {
      await until('the approval', async () => {
        const current = await api<Run>('GET', `/v1/workflow-runs/${run.id}`);
        return current.status === 'waiting' && current.steps.some((step) => step.key === 'sign-off')
          ? true
          : undefined;
      });
    }
    await server.kill('SIGKILL');
    server = await spawnServer(env);
    for (const run of runs) {
      await api('POST', `/v1/workflow-runs/${run.id}/approvals`, { step: 'sign-off', approve: true });
    }

    for (const run of runs) {
      const done = await until('the run to end', async () => {
        const current = await api<Run>('GET', `/v1/workflow-runs/${run.id}`);
        return ['succeeded', 'failed', 'canceled'].includes(current.status) ? current : undefined;
      });
      expect(done.status).toBe('succeeded');
      expect(done.output).toEqual({ count: 24 });
      // map + 24 × 3 item steps + approval + total
      expect(done.steps).toHaveLength(1 + 24 * 3 + 2);
      expect(done.steps.every((step) => step.status === 'completed' && step.attempts === 1)).toBe(true);

      const stream = await fetch(`${server.url}/v1/workflow-runs/${run.id}/events`, {
        headers: { Authorization: `Bearer ${adminKey}` },
      });
      const events = [...(await stream.text()).matchAll(/^data: (.*)$/gm)].map(
        (match) => JSON.parse(match[1] ?? '{}') as { type: string; payload: { key?: string } },
      );
      const count = (type: string) => {
        const counts = new Map<string, number>();
        for (const event of events) {
          if (event.type === type)
            counts.set(event.payload.key ?? '', (counts.get(event.payload.key ?? '') ?? 0) + 1);
        }
        return counts;
      };
      const completions = count('workflow-step-completed');
      expect(completions.size).toBe(done.steps.length);
      expect([...completions.values()].every((times) => times === 1)).toBe(true);
      expect([...count('workflow-step-started').values()].every((times) => times <= 2)).toBe(true);
    }
  }, 180_000);
});
