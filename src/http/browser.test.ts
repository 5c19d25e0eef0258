import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../context/index.js';
import { testDialects } from '../storage/test-support/databases.js';
import { createStreamTokens } from './browser/stream-tokens.js';
import { createHttpHarness, type HttpHarness } from './test-support/http-harness.js';

const origin = 'https://app.example.com';

/** Reads an SSE response until `done` holds for the text so far (then cancels it). */
async function readUntil(response: Response, done: (text: string) => boolean): Promise<string> {
  const reader = response.body?.getReader();
  let text = '';
  while (reader && !done(text)) {
    const chunk = await reader.read();
    if (chunk.done) break;
    text += new TextDecoder().decode(chunk.value);
  }
  await reader?.cancel();
  return text;
}

const eventTypes = (text: string) => [...text.matchAll(/^event: (.+)$/gm)].map((match) => match[1]);

describe.each(testDialects)('browsers: CORS, stream tokens and the firehose on %s', (dialect) => {
  let harness: HttpHarness;
  beforeAll(async () => {
    harness = await createHttpHarness(dialect, {
      env: { COLONY_CORS_ORIGINS: `${origin}, http://localhost:5173` },
    });
    await harness.request('POST', '/v1/agents', { body: { name: 'echo' } });
  });
  afterAll(async () => {
    await harness.close();
  });

  it('answers a preflight from an allowed origin without a key, and no other origin', async () => {
    const preflight = (from: string) =>
      harness.app.request('/v1/chats', {
        method: 'OPTIONS',
        headers: {
          Origin: from,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization, content-type',
        },
      });
    const allowed = await preflight(origin);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('Access-Control-Allow-Origin')).toBe(origin);
    expect(allowed.headers.get('Access-Control-Allow-Headers')?.toLowerCase()).toContain('authorization');
    const refused = await preflight('https://evil.example.net');
    expect(refused.headers.get('Access-Control-Allow-Origin')).toBeNull();
    const listed = await harness.request('GET', '/v1/agents', { headers: { Origin: origin } });
    expect(listed.headers.get('Access-Control-Allow-Origin')).toBe(origin);
    expect(listed.headers.get('Access-Control-Expose-Headers')).toContain('X-Request-Id');
  });

  it('lets an EventSource stream with a short-lived token instead of the Authorization header', async () => {
    const minted = await harness.request('POST', '/v1/stream-tokens');
    expect(minted.status).toBe(201);
    const { token, expiresAt } = (await minted.json()) as { token: string; expiresAt: number };
    expect(expiresAt).toBeGreaterThan(Date.now());
    const stream = await harness.request(
      'GET',
      `/v1/events?from=0&access_token=${encodeURIComponent(token)}`,
      {
        key: null,
      },
    );
    expect(stream.status).toBe(200);
    const text = await readUntil(stream, (so) => so.includes('agent-created'));
    expect(text.startsWith('retry: 3000\n\n')).toBe(true);
    expect(eventTypes(text)).toContain('agent-created');
    // Only the streaming GETs take it, and only as it was signed.
    const elsewhere = await harness.request('GET', `/v1/agents?access_token=${encodeURIComponent(token)}`, {
      key: null,
    });
    expect(elsewhere.status).toBe(401);
    const forged = await harness.request(
      'GET',
      `/v1/events?access_token=${encodeURIComponent(`${token}x`)}`,
      {
        key: null,
      },
    );
    expect(forged.status).toBe(401);
    const viewer = await harness.request('POST', '/v1/stream-tokens', { key: harness.keys.viewer });
    expect(viewer.status).toBe(201);
  });

  it('scopes a stream token to its key’s org: another org’s token sees none of this org’s runs', async () => {
    const chat = (await (await harness.request('POST', '/v1/chats', { body: { agent: 'echo' } })).json()) as {
      id: string;
    };
    const posted = (await (
      await harness.request('POST', `/v1/chats/${chat.id}/messages`, { body: { content: 'hi' } })
    ).json()) as { run: { id: string } };
    const minted = await harness.request('POST', '/v1/stream-tokens', { key: harness.keys.otherOrg });
    const { token } = (await minted.json()) as { token: string };
    const runEvents = await harness.request(
      'GET',
      `/v1/runs/${posted.run.id}/events?access_token=${encodeURIComponent(token)}`,
      { key: null },
    );
    expect(runEvents.status).toBe(404);
    const resume = await harness.request(
      'GET',
      `/v1/ui-chat/${chat.id}/stream?access_token=${encodeURIComponent(token)}`,
      { key: null },
    );
    expect(resume.status).toBe(404);
  });

  it('starts the firehose at now without Last-Event-ID; ?from=0 replays from the first event', async () => {
    const live = await harness.request('GET', '/v1/events');
    await harness.request('POST', '/v1/agents', { body: { name: 'newcomer' } });
    const liveText = await readUntil(live, (text) => text.includes('agent-created'));
    expect(eventTypes(liveText)).toEqual(['agent-created']);
    expect(liveText).toContain('newcomer');
    const replay = await harness.request('GET', '/v1/events?from=0');
    const replayText = await readUntil(replay, (text) => text.includes('newcomer'));
    expect(replayText.indexOf('"echo"')).toBeGreaterThan(-1);
    expect(replayText.indexOf('"echo"')).toBeLessThan(replayText.indexOf('newcomer'));
  });
});

describe('stream tokens', () => {
  const tokens = createStreamTokens({ ttlSeconds: 60 });
  const actor = { ...systemActor('org_1'), kind: 'api_key' as const, id: 'key_1', role: 'member' as const };

  it('act as their key until they expire, and a token signed with another secret is refused', () => {
    const { token, expiresAt } = tokens.mint(actor, 1_000);
    expect(expiresAt).toBe(61_000);
    expect(tokens.verify(token, 60_999)).toMatchObject({ id: 'key_1', orgId: 'org_1', role: 'member' });
    expect(tokens.verify(token, 61_000)).toBeUndefined();
    expect(createStreamTokens({ ttlSeconds: 60 }).verify(token, 2_000)).toBeUndefined();
    expect(tokens.verify('cst_bm90IGEgdG9rZW4.c2ln', 2_000)).toBeUndefined();
  });
});
