import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServices } from '../context/test-support/services.js';
import { createHttpHarness, type HttpHarness } from '../http/test-support/http-harness.js';
import { testDialects } from '../storage/test-support/databases.js';
import { secretsKeyOf } from './secret-key.js';
import { checkSecretsKey, createSecretVault } from './secret-vault.js';

interface SecretView {
  id: string;
  name: string;
  version: number;
  versions: Array<{ version: number }>;
  grants: Array<{ id: string; subject: string; subjectId: string }>;
}

const value = 'crm-token-7f3a9c1e5b';
const rotated = 'crm-token-rotated-42d8e6';

async function fieldsOf(response: Response): Promise<string[]> {
  const body = (await response.json()) as { error: { details?: { fields?: Array<{ path: string }> } } };
  return (body.error.details?.fields ?? []).map((field) => field.path);
}

describe.each(testDialects)('org secrets over the API on %s', (dialect) => {
  let harness: HttpHarness;
  let agentId: string;
  let chatId: string;
  const bodies: string[] = [];
  const request: HttpHarness['request'] = async (...args) => {
    const response = await harness.request(...args);
    bodies.push(await response.clone().text());
    return response;
  };

  beforeAll(async () => {
    // On Postgres the harness gives the key in COLONY_SECRETS_KEY; on SQLite a key file is made.
    harness = await createHttpHarness(dialect);
    agentId = (
      (await (await request('POST', '/v1/agents', { body: { name: 'crm' } })).json()) as { id: string }
    ).id;
    chatId = (
      (await (await request('POST', '/v1/chats', { body: { agent: 'crm' } })).json()) as { id: string }
    ).id;
  });
  afterAll(() => harness.close());

  it('stores, lists, gets, rotates and deletes a secret, showing names and versions but never the value', async () => {
    const created = await request('POST', '/v1/secrets', {
      body: { name: 'CRM_TOKEN', value, description: 'the CRM API' },
    });
    expect(created.status).toBe(201);
    const secret = (await created.json()) as SecretView;
    expect(secret).toMatchObject({ name: 'CRM_TOKEN', version: 1, versions: [{ version: 1 }], grants: [] });
    expect((await harness.auditOf(created)).map((row) => row.action)).toEqual(['secret.create']);

    const duplicate = await request('POST', '/v1/secrets', { body: { name: 'CRM_TOKEN', value } });
    expect(duplicate.status).toBe(409);
    const listed = (await (await request('GET', '/v1/secrets')).json()) as { secrets: SecretView[] };
    expect(listed.secrets.map((entry) => entry.name)).toEqual(['CRM_TOKEN']);
    const byName = (await (await request('GET', '/v1/secrets/CRM_TOKEN')).json()) as SecretView;
    expect(byName.id).toBe(secret.id);

    const rotation = await request('POST', `/v1/secrets/${secret.id}/versions`, { body: { value: rotated } });
    expect(rotation.status).toBe(201);
    expect(((await rotation.json()) as SecretView).versions.map((entry) => entry.version)).toEqual([1, 2]);

    const stored = await harness.colony.database.db.selectFrom('secret_version').selectAll().execute();
    expect(stored).toHaveLength(2);
    expect(JSON.stringify(stored)).not.toContain(value);
    expect(JSON.stringify(stored)).not.toContain(rotated);

    const removed = await request('DELETE', '/v1/secrets/CRM_TOKEN');
    expect(removed.status).toBe(204);
    expect((await request('GET', '/v1/secrets/CRM_TOKEN')).status).toBe(404);
    expect(await harness.rowCounts(['secret', 'secret_version', 'secret_grant'])).toEqual({
      secret: 0,
      secret_version: 0,
      secret_grant: 0,
    });
    for (const body of bodies) {
      expect(body).not.toContain(value);
      expect(body).not.toContain(rotated);
    }
  });

  it('grants a secret to an agent and to a chat, lists and revokes the grants', async () => {
    await request('POST', '/v1/secrets', { body: { name: 'SHARED', value } });
    const toAgent = await request('POST', '/v1/secrets/SHARED/grants', { body: { agent: 'crm' } });
    expect(toAgent.status).toBe(201);
    expect(await toAgent.json()).toMatchObject({ subject: 'agent', subjectId: agentId });
    const toChat = await request('POST', '/v1/secrets/SHARED/grants', { body: { chat: chatId } });
    expect(toChat.status).toBe(201);
    const again = await request('POST', '/v1/secrets/SHARED/grants', { body: { agent: agentId } });
    expect(again.status).toBe(409);
    const grants = (await (await request('GET', '/v1/secrets/SHARED/grants')).json()) as {
      grants: Array<{ id: string; subject: string }>;
    };
    expect(grants.grants.map((grant) => grant.subject)).toEqual(['agent', 'chat']);
    const revoked = await request('DELETE', `/v1/secrets/SHARED/grants/${grants.grants[0]?.id}`);
    expect(revoked.status).toBe(204);
    expect((await harness.auditOf(revoked)).map((row) => row.action)).toEqual(['secret.revoke']);
    expect(((await (await request('GET', '/v1/secrets/SHARED')).json()) as SecretView).grants).toHaveLength(
      1,
    );
    const types = await harness.colony.database.db
      .selectFrom('event')
      .select('type')
      .where('type', 'like', 'secret-%')
      .orderBy('seq')
      .execute();
    expect(types.map((row) => row.type)).toContain('secret-granted');
    expect(types.map((row) => row.type)).toContain('secret-revoked');
  });

  it('names the field of a bad name, value or grant', async () => {
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/v1/secrets', { name: '1bad', value }, 'json.name'],
      ['POST', '/v1/secrets', { name: 'SHORT', value: 'abc' }, 'json.value'],
      ['POST', '/v1/secrets', { name: 'BIG', value: 'x'.repeat(8_001) }, 'json.value'],
      ['POST', '/v1/secrets/SHARED/grants', { agent: 'crm', chat: chatId }, 'json.agent'],
      ['POST', '/v1/secrets/SHARED/grants', { agent: 'nobody' }, 'agent'],
      ['POST', '/v1/secrets/SHARED/grants', { chat: 'chat_missing' }, 'chat'],
      ['POST', '/v1/secrets/SHARED/versions', { value: 'short' }, 'json.value'],
    ];
    for (const [method, path, body, field] of cases) {
      const response = await request(method, path, { body });
      expect(response.status, `${path} ${JSON.stringify(body).slice(0, 60)}`).toBe(400);
      expect(await fieldsOf(response)).toEqual([field]);
    }
  });

  it('lets admins change secrets, members and viewers only read, and hides them from other orgs', async () => {
    await request('POST', '/v1/secrets', { body: { name: 'ROLES', value } });
    for (const role of ['member', 'viewer'] as const) {
      const key = harness.keys[role];
      expect((await request('POST', '/v1/secrets', { key, body: { name: 'NOPE', value } })).status).toBe(403);
      expect(
        (await request('POST', '/v1/secrets/ROLES/versions', { key, body: { value: rotated } })).status,
      ).toBe(403);
      expect(
        (await request('POST', '/v1/secrets/ROLES/grants', { key, body: { agent: 'crm' } })).status,
      ).toBe(403);
      expect((await request('DELETE', '/v1/secrets/ROLES', { key })).status).toBe(403);
      expect((await request('GET', '/v1/secrets/ROLES', { key })).status).toBe(200);
    }
    expect(
      (await request('POST', '/v1/secrets', { key: harness.keys.admin, body: { name: 'BY_ADMIN', value } }))
        .status,
    ).toBe(201);
    const other = harness.keys.otherOrg;
    expect((await request('GET', '/v1/secrets/ROLES', { key: other })).status).toBe(404);
    expect((await request('GET', '/v1/secrets/ROLES/grants', { key: other })).status).toBe(404);
    expect(
      (await request('POST', '/v1/secrets/ROLES/versions', { key: other, body: { value } })).status,
    ).toBe(404);
    expect(
      (await request('POST', '/v1/secrets/ROLES/grants', { key: other, body: { agent: 'crm' } })).status,
    ).toBe(404);
    expect((await request('DELETE', '/v1/secrets/ROLES', { key: other })).status).toBe(404);
    const listed = (await (await request('GET', '/v1/secrets', { key: other })).json()) as {
      secrets: unknown[];
    };
    expect(listed.secrets).toEqual([]);
    // Another org's agent cannot be granted a secret of this org.
    const stranger = await request('POST', '/v1/agents', { key: other, body: { name: 'stranger' } });
    const strangerId = ((await stranger.json()) as { id: string }).id;
    expect((await request('POST', '/v1/secrets/ROLES/grants', { body: { agent: strangerId } })).status).toBe(
      400,
    );
  });
});

describe.each(testDialects)('starting with stored secrets on %s', (dialect) => {
  it('refuses to start without the key that sealed them, and with another key', async () => {
    const test = await createTestServices(dialect);
    try {
      const db = test.services.database.db;
      const key = secretsKeyOf(randomBytes(32), 'test');
      const vault = createSecretVault(key);
      await expect(checkSecretsKey(db, createSecretVault(null))).resolves.toBeUndefined();
      const sealed = vault.seal('org_1', 'TOKEN', value);
      await db
        .insertInto('secret_version')
        .values({
          id: 'secv_1',
          org_id: 'org_1',
          secret_id: 'sec_1',
          version: 1,
          key_id: sealed.keyId,
          iv: sealed.iv,
          ciphertext: sealed.ciphertext,
          auth_tag: sealed.authTag,
          created_by: null,
          created_at: 1,
        })
        .execute();
      await expect(checkSecretsKey(db, vault)).resolves.toBeUndefined();
      await expect(checkSecretsKey(db, createSecretVault(null))).rejects.toThrow(/no secrets key/);
      const other = createSecretVault(secretsKeyOf(randomBytes(32), 'other'));
      await expect(checkSecretsKey(db, other)).rejects.toThrow(/sealed with another key/);
      expect(() => createSecretVault(null).seal('org_1', 'TOKEN', value)).toThrow(/COLONY_SECRETS_KEY/);
    } finally {
      await test.cleanup();
    }
  });
});
