import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpHarness, type HttpHarness } from '../http/test-support/http-harness.js';
import { testDialects } from '../storage/test-support/databases.js';

describe.each(testDialects)('agent edits on %s', (dialect) => {
  let harness: HttpHarness;
  beforeAll(async () => {
    harness = await createHttpHarness(dialect);
  });
  afterAll(async () => {
    await harness.close();
  });

  it('changes only the fields an edit names', async () => {
    const created = await harness.request('POST', '/v1/agents', {
      body: {
        name: 'partial',
        instructions: 'Be terse.',
        model: 'offline:echo',
        tools: ['get_time'],
        capabilities: { text: 'dates', tags: ['time'] },
        limits: { maxSteps: 3 },
      },
    });
    const { id } = (await created.json()) as { id: string };
    const renamed = await harness.request('PATCH', `/v1/agents/${id}`, { body: { name: 'partial-2' } });
    expect(renamed.status).toBe(200);
    const edited = await harness.request('PATCH', `/v1/agents/${id}`, { body: { description: 'clock' } });
    expect(await edited.json()).toMatchObject({
      version: 3,
      name: 'partial-2',
      description: 'clock',
      instructions: 'Be terse.',
      model: 'offline:echo',
      tools: ['get_time'],
      capabilities: { text: 'dates', tags: ['time'] },
      limits: { maxSteps: 3 },
    });
  });
});
