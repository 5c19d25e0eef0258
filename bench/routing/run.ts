/**
 * Routing bench: one expert-gate decision over 100 candidate agents, on SQLite and Postgres.
 * - "scoring": `scoreCandidates` alone (capability BM25 + success + load + cost), in memory;
 * - "decision": what a mission pays per task — load the candidates (agents with their capability
 *   profiles, outcome counters, active runs), score, and append the decision to
 *   `routing_decision_log` in a transaction.
 * Target (issue 3): ≤ 5 ms per decision. Writes `## routing` in bench/RESULTS.md.
 *
 *   node --import tsx bench/routing/run.ts [--no-postgres]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { configDefaults } from '../../src/config/index.js';
import { systemActor } from '../../src/context/index.js';
import { createEventBus, transact } from '../../src/events/index.js';
import { createOrg } from '../../src/identity/index.js';
import { createIdGenerator, systemClock } from '../../src/kernel/index.js';
import { createModelRegistry } from '../../src/models/index.js';
import { createSilentLogger } from '../../src/observability/index.js';
import {
  decideRoute,
  loadCandidates,
  logDecision,
  recordOutcome,
  scoreCandidates,
} from '../../src/orchestration/index.js';
import { type Database, type DialectName, migrate, openDatabase, toJson } from '../../src/storage/index.js';
import { createPostgresDatabase } from '../../src/storage/test-support/databases.js';
import { machineLine, markdownTable, percentile, writeSection } from '../shared/results.js';

const agents = 100;
const iterations = 500;
const warmup = 50;
const words = (
  'research analysis compare write summarize translate review code test deploy security billing pricing ' +
  'legal contracts marketing sales support onboarding data science statistics forecast design frontend backend ' +
  'database migration performance incident triage documentation localization accessibility vendors finance'
).split(' ');

function profile(index: number): { text: string; tags: string[] } {
  const pick = (offset: number) => words[(index * 7 + offset * 13) % words.length] ?? 'general';
  return {
    text: `Expert in ${pick(0)}, ${pick(1)} and ${pick(2)}; also handles ${pick(3)} questions and ${pick(4)} work.`,
    tags: [pick(0), pick(5)],
  };
}

async function seed(database: Database) {
  const services = {
    database,
    bus: createEventBus(),
    clock: systemClock,
    ids: createIdGenerator(),
    logger: createSilentLogger(),
    models: createModelRegistry(configDefaults.models),
  };
  const org = await createOrg(services, { name: 'bench' });
  const now = Date.now();
  await transact(services, async (transaction) => {
    for (let index = 0; index < agents; index++) {
      const id = services.ids.next('agt');
      await transaction
        .insertInto('agent')
        .values({
          id,
          org_id: org.id,
          name: `agent-${index}`,
          current_version: 1,
          created_at: now,
          updated_at: now,
          deleted_at: null,
        })
        .execute();
      await transaction
        .insertInto('agent_version')
        .values({
          agent_id: id,
          version: 1,
          org_id: org.id,
          description: '',
          instructions: 'You are helpful.',
          model: index % 3 === 0 ? 'offline:echo' : null,
          tools: toJson([]),
          capabilities: toJson(profile(index)),
          memory_policy: toJson({}),
          limits: toJson({}),
          created_by: null,
          created_at: now,
        })
        .execute();
      for (let outcome = 0; outcome < index % 5; outcome++)
        await recordOutcome(transaction, services, org.id, id, outcome % 2 === 0);
    }
  });
  return { services, orgId: org.id, actor: systemActor(org.id) };
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
}

async function measure(dialect: DialectName, database: Database) {
  await migrate(database);
  const { services, orgId } = await seed(database);
  const queries = Array.from({ length: iterations + warmup }, (_, index) => {
    const pick = (offset: number) => words[(index * 11 + offset * 5) % words.length];
    return `${pick(0)} the ${pick(1)} for the ${pick(2)} team and ${pick(3)} it`;
  });
  const candidates = await loadCandidates(services, orgId);
  const unitCost = (model: string) =>
    services.models.costOf(model, { inputTokens: 1000, outputTokens: 1000 });
  const scoring: number[] = [];
  const decision: number[] = [];
  for (const [index, query] of queries.entries()) {
    const started = performance.now();
    scoreCandidates(query, candidates, unitCost);
    if (index >= warmup) scoring.push(performance.now() - started);
  }
  for (const [index, query] of queries.entries()) {
    const started = performance.now();
    const loaded = await loadCandidates(services, orgId);
    const decided = await decideRoute(query, loaded, { models: services.models });
    await transact(services, (transaction) =>
      logDecision(transaction, services, { orgId, taskRef: `bench/${index}` }, decided),
    );
    if (index >= warmup) decision.push(performance.now() - started);
  }
  const perTask: number[] = [];
  for (const [index, query] of queries.entries()) {
    const started = performance.now();
    const decided = await decideRoute(query, candidates, { models: services.models });
    await transact(services, (transaction) =>
      logDecision(transaction, services, { orgId, taskRef: `bench/plan/${index}` }, decided),
    );
    if (index >= warmup) perTask.push(performance.now() - started);
  }
  return { dialect, scoring: stats(scoring), decision: stats(decision), perTask: stats(perTask) };
}

const results: Array<Awaited<ReturnType<typeof measure>>> = [];
const directory = mkdtempSync(join(tmpdir(), 'colony-routing-bench-'));
try {
  const sqlite = openDatabase({ url: join(directory, 'bench.db') });
  results.push(await measure('sqlite', sqlite));
  await sqlite.close();
  if (!process.argv.includes('--no-postgres')) {
    const created = await createPostgresDatabase();
    const postgres = openDatabase({ url: created.url, poolSize: 4 });
    try {
      results.push(await measure('postgres', postgres));
    } finally {
      await postgres.close();
      await created.drop();
    }
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
}

const ms = (value: number) => `${value.toFixed(3)} ms`;
const rows = results.flatMap((result) => [
  [
    `${result.dialect}: scoring 100 candidates (in memory)`,
    ms(result.scoring.p50),
    ms(result.scoring.p95),
    ms(result.scoring.p99),
    '≤ 5 ms',
    result.scoring.p95 <= 5 ? 'yes' : 'no',
  ],
  [
    `${result.dialect}: full decision (load candidates + score + log, one transaction)`,
    ms(result.decision.p50),
    ms(result.decision.p95),
    ms(result.decision.p99),
    '≤ 5 ms',
    result.decision.p95 <= 5 ? 'yes' : 'no',
  ],
  [
    `${result.dialect}: per task of a plan (candidates loaded once per plan; score + log)`,
    ms(result.perTask.p50),
    ms(result.perTask.p95),
    ms(result.perTask.p99),
    '≤ 5 ms',
    result.perTask.p95 <= 5 ? 'yes' : 'no',
  ],
]);
const table = markdownTable(['measurement', 'p50', 'p95', 'p99', 'target', 'met'], rows);
console.log(table);
writeSection(
  'routing',
  `${machineLine()}\n\n\`node --import tsx bench/routing/run.ts\` — ${agents} agents with capability profiles, outcome counters and tags; ${iterations} decisions after ${warmup} warm-up ones; k = 1, scores only (no router model). Load average at the start: ${loadavg()[0]?.toFixed(1)} (shared machine).\n\n${table}`,
);
