import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpHarness, type HttpHarness } from '../http/test-support/http-harness.js';
import { stdioFixture } from '../mcp/test-support/fixture.js';
import { testDialects } from '../storage/test-support/databases.js';

interface StepView {
  status: string;
  toolName: string | null;
  payload?: unknown;
}
interface RunView {
  id: string;
  status: string;
  steps: StepView[];
}

/**
 * The leak test and its "done when": an offline agent, driven only through the API, calls
 * a local HTTP API with a granted secret, a tool of a stdio MCP server that gets the secret in its
 * environment, and run_javascript; then every column of every table, every event, every log line
 * and every API response is searched for the value.
 */
describe.each(testDialects)('a granted secret used through every tool, on %s', (dialect) => {
  const planted = `planted-${randomBytes(12).toString('hex')}`;
  const rotated = `rotated-${randomBytes(12).toString('hex')}`;
  const values = [planted, rotated];
  let harness: HttpHarness;
  let echo: Server;
  const seenByServer: string[] = [];
  const logLines: string[] = [];
  const responses: string[] = [];

  const request: HttpHarness['request'] = async (...args) => {
    const response = await harness.request(...args);
    responses.push(await response.clone().text());
    return response;
  };

  beforeAll(async () => {
    // A local API that echoes what it was sent: the header and the query carry the secret.
    echo = createServer((incoming, response) => {
      const seen = { authorization: incoming.headers.authorization ?? '', url: incoming.url ?? '' };
      seenByServer.push(JSON.stringify(seen));
      incoming.resume();
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(seen));
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/api`;
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    harness = await createHttpHarness(dialect, {
      workers: true,
      env: { COLONY_HTTP_ALLOW_PRIVATE: 'true' },
      config: { mcp: { stdioCommands: [process.execPath] } },
      logger: pino({ level: 'trace' }, sink),
    });
    const endpoints = {
      echo: {
        baseUrl,
        headers: { Authorization: 'Bearer {{secrets.API_TOKEN}}' },
        query: { key: '{{ secrets.API_TOKEN }}' },
      },
    };
    const server = stdioFixture('vault', { API_TOKEN: '{{secrets.API_TOKEN}}' });
    expect((await request('POST', '/v1/mcp-servers', { body: server })).status).toBe(201);
    const tools = ['http_request', 'run_javascript', 'mcp:vault/*'];
    for (const name of ['worker', 'helper']) {
      expect((await request('POST', '/v1/agents', { body: { name, tools, endpoints } })).status).toBe(201);
    }
    expect(
      (await request('POST', '/v1/secrets', { body: { name: 'API_TOKEN', value: planted } })).status,
    ).toBe(201);
  });

  afterAll(async () => {
    await harness.close();
    echo.closeAllConnections();
    await new Promise((resolve) => echo.close(resolve));
  });

  async function newChat(agent: string): Promise<string> {
    const chat = await request('POST', '/v1/chats', { body: { agent } });
    return ((await chat.json()) as { id: string }).id;
  }

  async function say(chatId: string, content: string): Promise<RunView> {
    const posted = await request('POST', `/v1/chats/${chatId}/messages`, { body: { content } });
    const runId = ((await posted.json()) as { run: { id: string } }).run.id;
    await harness.waitForRun(runId);
    return (await (await request('GET', `/v1/runs/${runId}`)).json()) as RunView;
  }

  const toolSteps = (run: RunView) => run.steps.filter((step) => step.toolName !== null);
  const httpCall = '/tool http_request {"endpoint":"echo","path":"whoami"}';
  const mcpCall = '/tool mcp__vault__env {"name":"API_TOKEN"}';

  it('refuses every use until the agent or its chat holds a grant, naming the secret', async () => {
    const chat = await newChat('worker');
    const run = await say(chat, `${httpCall}\n${mcpCall}`);
    const steps = toolSteps(run);
    expect(steps.map((step) => step.status)).toEqual(['failed', 'failed']);
    for (const step of steps) {
      expect(JSON.stringify(step)).toContain('the secret \\"API_TOKEN\\" is not granted');
    }
    expect(seenByServer).toEqual([]);
  });

  it('lets an offline agent call a local API, an MCP tool and run_javascript with a granted secret', async () => {
    expect(
      (await request('POST', '/v1/secrets/API_TOKEN/grants', { body: { agent: 'worker' } })).status,
    ).toBe(201);
    const chat = await newChat('worker');
    const run = await say(
      chat,
      `${httpCall}\n${mcpCall}\n/tool mcp__vault__env {"name":"API_TOKEN","fail":true}\n/tool run_javascript {"code":"input.a * input.b","input":{"a":6,"b":7}}`,
    );
    expect(run.status).toBe('succeeded');
    const steps = toolSteps(run);
    expect(steps.map((step) => step.status)).toEqual(['completed', 'completed', 'failed', 'completed']);
    // The API got the value in the header and the query; the model saw a placeholder.
    expect(seenByServer.at(-1)).toBe(
      JSON.stringify({ authorization: `Bearer ${planted}`, url: `/api/whoami?key=${planted}` }),
    );
    const shown = JSON.stringify(steps);
    expect(shown).toContain('Bearer [secret:API_TOKEN]');
    expect(shown).toContain('key=[secret:API_TOKEN]');
    expect(shown).toContain('API_TOKEN=[secret:API_TOKEN]');
    expect(shown).toContain('"result":42');

    const used = await harness.colony.database.db
      .selectFrom('event')
      .select(['payload', 'run_id'])
      .where('type', '=', 'secret-used')
      .execute();
    const payloads = used.map((row) => JSON.parse(row.payload) as Record<string, unknown>);
    expect(payloads.map((payload) => payload.tool)).toEqual([
      'http_request',
      'mcp__vault__env',
      'mcp__vault__env',
    ]);
    expect(payloads.every((payload) => payload.name === 'API_TOKEN' && payload.runId === run.id)).toBe(true);
    const audits = await harness.colony.database.db
      .selectFrom('audit_log')
      .select(['action', 'resource_type'])
      .where('action', '=', 'secret.use')
      .execute();
    expect(audits).toHaveLength(3);
  });

  it('honours a grant to a chat for the runs in that chat only', async () => {
    const granted = await newChat('helper');
    const other = await newChat('helper');
    expect((await request('POST', '/v1/secrets/API_TOKEN/grants', { body: { chat: granted } })).status).toBe(
      201,
    );
    expect(toolSteps(await say(granted, httpCall)).map((step) => step.status)).toEqual(['completed']);
    expect(toolSteps(await say(other, httpCall)).map((step) => step.status)).toEqual(['failed']);
  });

  it('uses the new value after a rotation, restarting the MCP server with it', async () => {
    expect(
      (await request('POST', '/v1/secrets/API_TOKEN/versions', { body: { value: rotated } })).status,
    ).toBe(201);
    const chat = await newChat('worker');
    const run = await say(chat, `${httpCall}\n${mcpCall}`);
    expect(toolSteps(run).map((step) => step.status)).toEqual(['completed', 'completed']);
    expect(seenByServer.at(-1)).toContain(`Bearer ${rotated}`);
    expect(JSON.stringify(run)).toContain('API_TOKEN=[secret:API_TOKEN]');
  });

  it('leaves the value in no table, event, log line or API response', async () => {
    const db = harness.colony.database.db;
    const tables = (await db.introspection.getTables()).map((table) => table.name);
    expect(tables).toEqual(expect.arrayContaining(['event', 'run_step', 'audit_log', 'secret_version']));
    const hits: string[] = [];
    for (const table of tables) {
      const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
      const text = JSON.stringify(rows);
      for (const value of values) {
        if (text.includes(value)) hits.push(`table ${table}`);
        if (text.includes(Buffer.from(value).toString('base64'))) hits.push(`table ${table} (base64)`);
      }
    }
    // Events are rows of `event` (searched above); the runs and messages as clients read them:
    const runIds = await db.selectFrom('run').select('id').execute();
    for (const { id } of runIds) expect((await request('GET', `/v1/runs/${id}`)).status).toBe(200);
    const chats = await db.selectFrom('conversation').select('id').execute();
    for (const { id } of chats) expect((await request('GET', `/v1/chats/${id}/messages`)).status).toBe(200);
    expect((await request('GET', '/v1/audit')).status).toBe(200);
    for (const value of values) {
      if (logLines.some((line) => line.includes(value))) hits.push('log line');
      if (responses.some((body) => body.includes(value))) hits.push('API response');
    }
    expect(logLines.length).toBeGreaterThan(0);
    expect(responses.length).toBeGreaterThan(10);
    expect(hits).toEqual([]);
  });
});
