import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../storage/test-support/databases.js';
import {
  clusterUnavailableReason,
  createPostgresCluster,
  type PostgresCluster,
} from './test-support/postgres-cluster.js';
import { callApi, freePort, type SpawnedServer, spawnServer, until } from './test-support/spawn-server.js';

// Issue 11, item 2: `colony serve` rides out Postgres restarts with no operator action. The test
// makes a cluster of its own on a free port (never the machine's main one), restarts and stops it
// under traffic, and checks: the process lives, requests during an outage get 503 `unavailable`
// (not 500, not a hang), /readyz flips, and every accepted message ends with exactly one run
// whose steps were not repeated.

const adminKey = 'colony-test-admin-key-0123456789abcdefghijklmnop';
const chatCount = 4;
const skipReason = !testDialects.includes('postgres')
  ? 'COLONY_TEST_DATABASES does not include postgres'
  : clusterUnavailableReason();

type Disruption =
  | { kind: 'restart'; mode: 'fast' | 'immediate' }
  | { kind: 'stop'; mode: 'fast' | 'immediate' };

const disruptions: Disruption[] = [
  { kind: 'restart', mode: 'fast' },
  { kind: 'stop', mode: 'immediate' },
  { kind: 'restart', mode: 'immediate' },
  { kind: 'stop', mode: 'fast' },
  { kind: 'stop', mode: 'immediate' },
];

interface Answer {
  status: number;
  code?: string;
  retryAfter: string | null;
  runId?: string;
}

async function send(url: string, method: string, path: string, body?: unknown): Promise<Answer> {
  try {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(20_000), // far beyond the statement timeout: a hang, not a slow answer
    });
    const json = (await response.json()) as {
      error?: { code: string };
      run?: { id: string };
      ready?: boolean;
    };
    return {
      status: response.status,
      retryAfter: response.headers.get('Retry-After'),
      ...(json.error ? { code: json.error.code } : {}),
      ...(json.run ? { runId: json.run.id } : {}),
    };
  } catch (error) {
    return { status: 0, code: error instanceof Error ? error.name : 'error', retryAfter: null };
  }
}

describe.skipIf(skipReason)(
  `a Postgres restart under colony serve${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let cluster: PostgresCluster | undefined;
    let server: SpawnedServer | undefined;
    let dataDir: string;

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'colony-pg-restart-'));
      cluster = await createPostgresCluster('colony');
      server = await spawnServer({
        COLONY_DATA_DIR: dataDir,
        COLONY_PORT: String(await freePort()),
        COLONY_ADMIN_KEY: adminKey,
        COLONY_DATABASE_URL: cluster.url,
        COLONY_OFFLINE_DELAY_MS: '150',
        COLONY_TASK_LEASE_MS: '3000',
        COLONY_DATABASE_STATEMENT_TIMEOUT_MS: '5000',
        COLONY_RATE_LIMIT_PER_MINUTE: '0',
        COLONY_LOG_LEVEL: 'info',
      });
    }, 120_000);

    afterAll(async () => {
      await server?.kill('SIGKILL');
      await cluster?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }, 60_000);

    it('keeps serving: 503 during each outage, /readyz flips, every accepted run completes once', async () => {
      if (!server || !cluster) throw new Error('not started');
      const { url } = server;
      const child = server.child;
      await callApi(url, adminKey, 'POST', '/v1/agents', { name: 'clock', tools: ['get_time'] });
      const chats: string[] = [];
      for (let index = 0; index < chatCount; index++) {
        chats.push(
          (await callApi<{ id: string }>(url, adminKey, 'POST', '/v1/chats', { agent: 'clock' })).id,
        );
      }

      // Traffic through every disruption: a message every 100 ms, round robin over the chats.
      const answers: Answer[] = [];
      const accepted: string[] = [];
      let driving = true;
      const driver = (async () => {
        for (let sent = 0; driving; sent++) {
          const chat = chats[sent % chatCount];
          const answer = await send(url, 'POST', `/v1/chats/${chat}/messages`, {
            content: '/tool get_time {}',
          });
          answers.push(answer);
          if (answer.status === 202 && answer.runId) accepted.push(answer.runId);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();

      const readiness: boolean[] = [];
      const outageAnswers: Answer[] = [];
      const ready = async () => {
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(
            `colony serve exited (${child.exitCode ?? child.signalCode}):\n${server?.output()}`,
          );
        const answer = await send(url, 'GET', '/readyz');
        readiness.push(answer.status === 200);
        return answer.status === 200;
      };
      for (const disruption of disruptions) {
        const before = accepted.length;
        await until('runs accepted between disruptions', () =>
          accepted.length >= before + 8 ? true : undefined,
        );
        if (disruption.kind === 'restart') {
          await cluster.restart(disruption.mode);
        } else {
          await cluster.stop(disruption.mode);
          // The database is down: the API answers at once, 503 with Retry-After, and is not ready.
          expect(await ready()).toBe(false);
          outageAnswers.push(await send(url, 'GET', '/v1/agents'));
          outageAnswers.push(
            await send(url, 'POST', `/v1/chats/${chats[0]}/messages`, { content: '/tool get_time {}' }),
          );
          await new Promise((resolve) => setTimeout(resolve, 1000));
          await cluster.start();
        }
        await until('/readyz to be ready again', async () => ((await ready()) ? true : undefined), 60_000);
        expect(child.exitCode, server.output().slice(-4000)).toBeNull();
      }
      driving = false;
      await driver;

      expect(child.exitCode).toBeNull();
      expect(readiness).toContain(false);
      expect(readiness.at(-1)).toBe(true);
      for (const answer of outageAnswers) {
        expect(answer).toMatchObject({ status: 503, code: 'unavailable' });
        expect(Number(answer.retryAfter)).toBeGreaterThan(0);
      }
      // Under traffic: accepted, or refused as unavailable — never a 500 or a hang.
      const unexpected = answers.filter((answer) => answer.status !== 202 && answer.status !== 503);
      expect(unexpected, server.output().slice(-4000)).toEqual([]);
      for (const answer of answers.filter((candidate) => candidate.status === 503)) {
        expect(answer.code).toBe('unavailable');
        expect(answer.retryAfter).not.toBeNull();
      }

      // Every message stored (accepted, or stored before its answer was lost) gets exactly one run,
      // and every run ends succeeded with one answer and no step repeated.
      const database = new pg.Client({ connectionString: cluster.url });
      await database.connect();
      try {
        const unfinished = async () =>
          Number(
            (
              await database.query<{ n: string }>(
                `select count(*) as n from run where status not in ('succeeded', 'failed', 'canceled')`,
              )
            ).rows[0]?.n,
          );
        await until('every run to end', async () => ((await unfinished()) === 0 ? true : undefined), 120_000);
        const runs = await database.query<{ id: string; status: string; steps: string | null }>(
          `select r.id, r.status,
           string_agg(s.kind || ':' || coalesce(s.tool_name, '') || ':' || s.status, ',' order by s.idx) as steps
         from run r left join run_step s on s.run_id = r.id group by r.id, r.status`,
        );
        const byId = new Map(runs.rows.map((row) => [row.id, row]));
        for (const runId of accepted) expect(byId.get(runId)?.status).toBe('succeeded');
        for (const run of runs.rows) {
          expect(run).toEqual({
            id: run.id,
            status: 'succeeded',
            steps: 'model::completed,tool:get_time:completed,model::completed',
          });
        }
        const perMessage = await database.query<{ runs: string; answers: string }>(
          `select (select count(*) from run r where r.trigger_message_id = m.id) as runs,
           (select count(*) from message a join run r on a.run_id = r.id
             where r.trigger_message_id = m.id and a.role = 'assistant') as answers
         from message m where m.role = 'user'`,
        );
        expect(perMessage.rows.length).toBeGreaterThanOrEqual(accepted.length);
        for (const row of perMessage.rows) expect(row).toEqual({ runs: '1', answers: '1' });
        const finished = await database.query<{ n: string }>(
          `select count(*) as n from event where type = 'run-succeeded' group by run_id having count(*) > 1`,
        );
        expect(finished.rows).toEqual([]);
      } finally {
        await database.end();
      }
      expect(answers.filter((answer) => answer.status === 503).length).toBeGreaterThan(0);

      // Each background loop logged its outages, not its attempts (a few per disruption at most),
      // and the LISTEN connection was lost and restored.
      const outages = new Map<string, number>();
      for (const line of server.output().split('\n')) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as { subject?: string; msg?: string };
        if (entry.subject && entry.msg?.includes('database unavailable'))
          outages.set(entry.subject, (outages.get(entry.subject) ?? 0) + 1);
      }
      expect([...outages.keys()]).toContain('task wake-ups (LISTEN)');
      for (const [subject, count] of outages) {
        expect(count, subject).toBeLessThanOrEqual(2 * disruptions.length);
      }
    }, 600_000);
  },
);
