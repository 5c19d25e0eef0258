import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Context, type Role, roles, systemActor } from '../context/index.js';
import { createHttpHarness, type HttpHarness } from '../http/test-support/http-harness.js';
import { testDialects } from '../storage/test-support/databases.js';
import { createApiKey, revokeApiKey } from './api-keys.js';
import { createOrg } from './orgs.js';

const rolePairs = roles.flatMap((actor) => roles.map((target) => ({ actor, target })));

/** The status a revocation by `actor` of a `target` key gets (the main org has other owner keys). */
function expectedStatus(actor: Role, target: Role): number {
  if (actor === 'viewer' || actor === 'member') return 403;
  if (actor === 'admin' && target === 'owner') return 403;
  return 200;
}

describe.each(testDialects)('API key revocation rules on %s', (dialect) => {
  let harness: HttpHarness;
  const system = (orgId: string): Context => ({
    services: harness.colony.services,
    actor: systemActor(orgId),
    signal: new AbortController().signal,
  });
  beforeAll(async () => {
    harness = await createHttpHarness(dialect);
  });
  afterAll(async () => {
    await harness.close();
  });

  /** A fresh org with `count` owner keys. */
  async function orgWithOwners(count: number): Promise<{ orgId: string; keys: string[]; ids: string[] }> {
    const org = await createOrg(harness.colony.services, { name: 'owners' });
    const created = [];
    for (let index = 0; index < count; index++) {
      created.push(await createApiKey(system(org.id), { name: `owner ${index}`, role: 'owner' }));
    }
    return {
      orgId: org.id,
      keys: created.map((item) => item.key),
      ids: created.map((item) => item.apiKey.id),
    };
  }

  it.each(rolePairs)('a $actor revoking a $target key', async ({ actor, target }) => {
    const victim = await createApiKey(system(harness.orgId), { name: `${target} victim`, role: target });
    const response = await harness.request('DELETE', `/v1/keys/${victim.apiKey.id}`, {
      key: harness.keys[actor],
    });
    const status = expectedStatus(actor, target);
    expect(response.status).toBe(status);
    const still = await harness.request('GET', '/v1/agents', { key: victim.key });
    expect(still.status).toBe(status === 200 ? 401 : 200);
    if (status === 403) {
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('forbidden');
      expect(body.error.message).toMatch(
        actor === 'admin' ? /admin role cannot revoke a key with the owner role/ : /needs the admin role/,
      );
    }
  });

  it('refuses to revoke the last active owner key of an org', async () => {
    const org = await orgWithOwners(1);
    const [key = '', id = ''] = [org.keys[0], org.ids[0]];
    const response = await harness.request('DELETE', `/v1/keys/${id}`, { key });
    expect(response.status).toBe(409);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({ code: 'conflict' });
    expect(body.error.message).toContain('last active owner key');
    expect((await harness.request('GET', '/v1/agents', { key })).status).toBe(200);
    // Colony itself (the `colony keys revoke` operator command) follows the same rule.
    await expect(revokeApiKey(system(org.orgId), id)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('a revoked owner key does not count as the other owner', async () => {
    const org = await orgWithOwners(2);
    const [first = '', second = ''] = org.ids;
    await revokeApiKey(system(org.orgId), second);
    await expect(revokeApiKey(system(org.orgId), first)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('two owners revoking each other at once: one wins, the org keeps an owner', async () => {
    const org = await orgWithOwners(2);
    const [firstId = '', secondId = ''] = org.ids;
    const asOwner = (keyId: string): Context => ({
      ...system(org.orgId),
      actor: { kind: 'api_key', id: keyId, orgId: org.orgId, role: 'owner' },
    });
    const outcomes = await Promise.allSettled([
      revokeApiKey(asOwner(firstId), secondId),
      revokeApiKey(asOwner(secondId), firstId),
    ]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const [refused] = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(refused?.reason).toMatchObject({ code: 'conflict' });
    const active = await harness.colony.database.db
      .selectFrom('api_key')
      .select('id')
      .where('org_id', '=', org.orgId)
      .where('revoked_at', 'is', null)
      .execute();
    expect(active).toHaveLength(1);
  });
});
