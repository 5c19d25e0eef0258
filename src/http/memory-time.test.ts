import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../storage/test-support/databases.js';
import { eventually } from '../tasks/test-support/harness.js';
import { createHttpHarness, type HttpHarness } from './test-support/http-harness.js';

interface Stored {
  memory: { id: string; occurredAt: number; createdAt: number; accessCount: number };
}

describe.each(testDialects)('memory time and access over HTTP on %s', (dialect) => {
  let harness: HttpHarness;
  beforeAll(async () => {
    harness = await createHttpHarness(dialect);
  });
  afterAll(async () => {
    await harness.close();
  });

  async function json<T>(response: Response): Promise<T> {
    expect(response.status).toBeLessThan(300);
    return (await response.json()) as T;
  }

  it('stores occurredAt apart from createdAt, and filters a search by it', async () => {
    const happened = Date.UTC(2023, 4, 14);
    const { memory } = await json<Stored>(
      await harness.request('POST', '/v1/memories', {
        body: { content: 'The kiln was fired for the first time', occurredAt: happened },
      }),
    );
    expect(memory.occurredAt).toBe(happened);
    expect(memory.createdAt).toBeGreaterThan(happened);
    const search = (range: string) =>
      harness.request('GET', `/v1/memories/search?q=kiln%20fired&scope=org&${range}`);
    const inside = await json<{ hits: Array<{ memory: { id: string } }> }>(
      await search(`occurredFrom=${happened}&occurredTo=${happened + 1}`),
    );
    expect(inside.hits.map((hit) => hit.memory.id)).toEqual([memory.id]);
    const after = await json<{ hits: unknown[] }>(await search(`occurredFrom=${happened + 1}`));
    expect(after.hits).toEqual([]);
  });

  it('counts a GET of one memory as an access, and a search as none', async () => {
    const { memory } = await json<Stored>(
      await harness.request('POST', '/v1/memories', { body: { content: 'The glaze recipe uses ash' } }),
    );
    await json(await harness.request('GET', '/v1/memories/search?q=glaze%20recipe&scope=org'));
    await json(await harness.request('GET', `/v1/memories/${memory.id}`));
    // Counts are flushed every second; read the row itself, since every GET counts.
    const count = async () =>
      Number(
        (
          await harness.colony.database.db
            .selectFrom('memory')
            .select('access_count')
            .where('id', '=', memory.id)
            .executeTakeFirstOrThrow()
        ).access_count,
      );
    await eventually(async () => (await count()) > 0, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 1_200)); // one more flush interval
    expect(await count()).toBe(1);
  });
});
