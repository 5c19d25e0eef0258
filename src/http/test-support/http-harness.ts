import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../../config/index.js';
import { type Role, systemActor } from '../../context/index.js';
import { catalogProblems } from '../../events/catalog.js';
import { toStoredEvent } from '../../events/index.js';
import { createApiKey, createOrg } from '../../identity/index.js';
import { createLogger, type Logger } from '../../observability/index.js';
import { type Colony, createColony } from '../../server/index.js';
import type { DialectName, Row, Schema } from '../../storage/index.js';
import { createPostgresDatabase } from '../../storage/test-support/databases.js';
import type { TaskHandler } from '../../tasks/index.js';
import { createApp } from '../app.js';
import type { ColonyApp } from '../request-context.js';
import { createResponseChecker, type OpenApiDocument, type ResponseChecker } from './openapi-responses.js';

const auditColumns = [
  'org_id',
  'actor_kind',
  'actor_id',
  'action',
  'resource_type',
  'resource_id',
  'request_id',
] as const;
type AuditColumn = (typeof auditColumns)[number];

export interface HarnessRequestOptions {
  key?: string | null;
  body?: unknown;
  contentType?: string | null;
  headers?: Record<string, string>;
}

export interface HttpHarness {
  app: ColonyApp;
  colony: Colony;
  /** One key per role in the main org, and an owner key of another org. */
  keys: Record<Role, string> & { otherOrg: string };
  orgId: string;
  /** Row counts of the given tables (default: every table): compare before and after a refused request. */
  rowCounts(tables?: ReadonlyArray<keyof Schema>): Promise<Record<string, number>>;
  /** The audit rows written by the request that got this response (matched on its X-Request-Id). */
  auditOf(response: Response): Promise<Array<Pick<Row<'audit_log'>, AuditColumn>>>;
  /** Polls `GET /v1/runs/:id` until the run has ended. */
  waitForRun<Run extends { status: string } = { status: string; steps: unknown[] }>(
    runId: string,
  ): Promise<Run>;
  /**
   * A request as the key's holder (default: the owner key; `null`: none). A `body` that is not a
   * string is sent as JSON, with `Content-Type: application/json` unless `contentType` names
   * another (`null`: send no Content-Type at all).
   */
  request(method: string, path: string, options?: HarnessRequestOptions): Promise<Response>;
  close(): Promise<void>;
}

/** A full Colony (migrated database, registries, worker pool when `workers`) and its HTTP app. */
export async function createHttpHarness(
  dialect: DialectName,
  options: {
    workers?: boolean;
    /** Environment variables the configuration is loaded from (nothing else is read). */
    env?: NodeJS.ProcessEnv;
    config?: Record<string, unknown>;
    handlers?: Record<string, TaskHandler>;
    /** Where the Colony logs (default: silent, or the level in COLONY_TEST_LOG). */
    logger?: Logger;
  } = {},
): Promise<HttpHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'colony-http-'));
  const postgres = dialect === 'postgres' ? await createPostgresDatabase() : undefined;
  const config = loadConfig({
    // A shared database never gets a key file: its processes share COLONY_SECRETS_KEY (decision 0027).
    env: { ...(postgres ? { COLONY_SECRETS_KEY: randomBytes(32).toString('base64') } : {}), ...options.env },
    cwd: dataDir,
    flags: {
      dataDir,
      ...(postgres ? { databaseUrl: postgres.url } : {}),
      workers: 2,
      rateLimitPerMinute: 100_000,
      ...options.config,
    },
  });
  const colony = await createColony({
    config,
    logger: options.logger ?? createLogger({ level: process.env.COLONY_TEST_LOG ?? 'silent', pretty: false }),
    workers: options.workers ?? false,
    ...(options.handlers ? { handlers: options.handlers } : {}),
  });
  const services = colony.services;
  const org = await createOrg(services, { name: 'main' });
  const other = await createOrg(services, { name: 'other' });
  const system = (orgId: string) => ({
    services,
    actor: systemActor(orgId),
    signal: new AbortController().signal,
  });
  const keys = {} as Record<Role, string> & { otherOrg: string };
  for (const role of ['owner', 'admin', 'member', 'viewer'] as const) {
    keys[role] = (await createApiKey(system(org.id), { name: role, role })).key;
  }
  keys.otherOrg = (await createApiKey(system(other.id), { name: 'other owner', role: 'owner' })).key;
  const app = createApp(services);
  colony.workers?.start();
  let checker: Promise<ResponseChecker> | undefined;
  let tableNames: string[] | undefined;
  const responseChecker = () => {
    checker ??= Promise.resolve(app.request('/openapi.json'))
      .then((response) => response.json() as Promise<OpenApiDocument>)
      .then(createResponseChecker);
    return checker;
  };
  const request: HttpHarness['request'] = async (method, path, requestOptions = {}) => {
    const key = requestOptions.key === undefined ? keys.owner : requestOptions.key;
    const headers: Record<string, string> = { ...requestOptions.headers };
    if (key) headers.Authorization = `Bearer ${key}`;
    let body: string | Uint8Array | undefined;
    if (requestOptions.body !== undefined) {
      const contentType =
        requestOptions.contentType === undefined ? 'application/json' : requestOptions.contentType;
      if (contentType !== null) headers['Content-Type'] ??= contentType;
      body =
        typeof requestOptions.body === 'string' ? requestOptions.body : JSON.stringify(requestOptions.body);
      // A string body would make fetch add `Content-Type: text/plain`; bytes go without one.
      if (contentType === null) body = new TextEncoder().encode(body);
    }
    const response = await app.request(path, { method, headers, ...(body === undefined ? {} : { body }) });
    // Every response of every test made through the harness must match /openapi.json.
    const problems = await (await responseChecker()).check(method, path, response);
    if (problems.length > 0) {
      throw new Error(`the response does not match /openapi.json:\n${problems.join('\n')}`);
    }
    return response;
  };
  return {
    app,
    colony,
    keys,
    orgId: org.id,
    async rowCounts(tables) {
      tableNames ??= (await colony.database.db.introspection.getTables()).map((table) => table.name);
      const names = tables ?? tableNames;
      // One statement for all tables: the fuzz test counts every table around each request.
      const counts = sql.join(
        names.map((name) => sql`select ${sql.lit(name)} as name, count(*) as count from ${sql.table(name)}`),
        sql` union all `,
      );
      const { rows } = await sql<{ name: string; count: number | string }>`${counts}`.execute(
        colony.database.db,
      );
      return Object.fromEntries(rows.map((row) => [row.name, Number(row.count)]));
    },
    async auditOf(response) {
      const requestId = response.headers.get('X-Request-Id');
      if (!requestId) throw new Error('the response has no X-Request-Id');
      return colony.database.db
        .selectFrom('audit_log')
        .select(auditColumns)
        .where('request_id', '=', requestId)
        .execute();
    },
    async waitForRun<Run extends { status: string }>(runId: string): Promise<Run> {
      for (let attempt = 0; attempt < 600; attempt++) {
        const response = await request('GET', `/v1/runs/${runId}`);
        const run = (await response.json()) as Run;
        if (['succeeded', 'failed', 'canceled'].includes(run.status)) return run;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`run ${runId} did not finish`);
    },
    request,
    async close() {
      // Every event the test stored must match the event catalog (events/catalog.ts).
      const stored = await colony.database.db.selectFrom('event').selectAll().execute();
      const problems = stored.flatMap((row) => catalogProblems(toStoredEvent(row)));
      await colony.close();
      await postgres?.drop();
      rmSync(dataDir, { recursive: true, force: true });
      if (problems.length > 0) {
        throw new Error(`stored events do not match the catalog:\n${[...new Set(problems)].join('\n')}`);
      }
    },
  };
}
