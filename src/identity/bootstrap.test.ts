import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Context, systemActor } from '../context/index.js';
import { createHttpHarness, type HttpHarness } from '../http/test-support/http-harness.js';
import { testDialects } from '../storage/test-support/databases.js';
import { revokeApiKey } from './api-keys.js';
import { bootstrapIdentity } from './bootstrap.js';

describe.each(testDialects)('bootstrap with COLONY_ADMIN_KEY on %s', (dialect) => {
  let harness: HttpHarness;
  let directory: string;
  const presetKey = 'preset-admin-key-0123456789-abcdefghij';
  beforeAll(async () => {
    harness = await createHttpHarness(dialect);
    directory = mkdtempSync(join(tmpdir(), 'colony-bootstrap-'));
  });
  afterAll(async () => {
    await harness.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('registers the preset key once, and refuses to start after it was revoked', async () => {
    const services = harness.colony.services;
    const options = { keyFile: join(directory, 'admin-key'), presetKey };
    const first = await bootstrapIdentity(services, options);
    expect((await harness.request('GET', '/v1/agents', { key: presetKey })).status).toBe(200);
    await bootstrapIdentity(services, options);
    const presetRows = () =>
      services.database.db
        .selectFrom('api_key')
        .select(['id', 'revoked_at'])
        .where('name', '=', 'admin (COLONY_ADMIN_KEY)')
        .execute();
    const [row] = await presetRows();
    expect(await presetRows()).toHaveLength(1);

    const context: Context = {
      services,
      actor: systemActor(first.orgId),
      signal: new AbortController().signal,
    };
    await revokeApiKey(context, row?.id ?? '');
    await expect(bootstrapIdentity(services, options)).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(
        /COLONY_ADMIN_KEY names API key key_\S+, which was revoked at .*never restored/,
      ),
    });
    expect((await harness.request('GET', '/v1/agents', { key: presetKey })).status).toBe(401);
    expect(await presetRows()).toHaveLength(1);
  });
});
