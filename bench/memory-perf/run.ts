/**
 * Memory engine performance: ingestion rate (importMemories, batched transactions, index updates
 * included), addMemory with full dedup, and searchMemories latency with N memories in one scope.
 *
 *   node --import tsx bench/memory-perf/run.ts [--count 100000] [--queries 300] [--postgres-count 100000]
 *
 * SQLite always; Postgres too when COLONY_TEST_POSTGRES_URL / 127.0.0.1:5432 answers.
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import type { Actor } from '../../src/context/index.js';
import { createEventBus } from '../../src/events/index.js';
import { createIdGenerator, systemClock } from '../../src/kernel/index.js';
import { addMemory, createMemoryRuntime, importMemories, searchMemories } from '../../src/memory/index.js';
import { seededRandom } from '../../src/memory/test-support/planted-facts.js';
import { createSilentLogger } from '../../src/observability/index.js';
import type { DialectName } from '../../src/storage/index.js';
import { createTestDatabase } from '../../src/storage/test-support/databases.js';
import { percentile } from '../shared/results.js';
import { machineLine, writeMemoryResult } from './results-file.js';
import { names, syllableWord, syntheticMemories, topics } from './synthetic.js';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    queries: { type: 'string', default: '300' },
    'postgres-count': { type: 'string', default: '100000' },
    'skip-postgres': { type: 'boolean', default: false },
    'skip-sqlite': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
});

interface PerfResult {
  dialect: DialectName;
  count: number;
  ingestPerSecond: number;
  addPerSecond: number;
  warmMs: number;
  p50: number;
  p95: number;
  p99: number;
}

async function run(dialect: DialectName, count: number, queries: number): Promise<PerfResult> {
  const test = await createTestDatabase(dialect);
  const services = {
    database: test.database,
    bus: createEventBus(),
    clock: systemClock,
    ids: createIdGenerator(),
    logger: createSilentLogger(),
  };
  const memory = createMemoryRuntime(services);
  const orgId = services.ids.next('org');
  await test.database.db
    .insertInto('org')
    .values({ id: orgId, name: 'bench', created_at: Date.now() })
    .execute();
  const actor: Actor = { kind: 'system', id: 'system', orgId, role: 'owner' };
  const context = { services: { ...services, memory }, actor, signal: new AbortController().signal };
  const scope = { kind: 'agent' as const, id: 'agt_bench' };
  try {
    const inputs = syntheticMemories(count, scope);
    const started = performance.now();
    await importMemories(context, inputs, { batchSize: 1000 });
    const ingestSeconds = (performance.now() - started) / 1000;
    // A bulk load leaves Postgres planner statistics stale until autovacuum runs; refresh them as
    // an operator would after an import.
    if (dialect === 'postgres') await sql`analyze memory`.execute(test.database.db);
    const random = seededRandom(99);
    const warmStarted = performance.now();
    await searchMemories(context, { query: 'Priya prefers the travel budget', scopes: [scope], limit: 10 });
    const warmMs = performance.now() - warmStarted;
    const adds = 300;
    const addStarted = performance.now();
    for (let index = 0; index < adds; index++) {
      await addMemory(context, {
        scope,
        type: 'semantic',
        content: `Fresh note ${index} about ${topics[index % topics.length]} from ${names[index % names.length]} ${syllableWord(random)}`,
      });
    }
    const addPerSecond = adds / ((performance.now() - addStarted) / 1000);
    const latencies: number[] = [];
    for (let index = 0; index < queries; index++) {
      const query = `${names[Math.floor(random() * names.length)]} ${topics[Math.floor(random() * topics.length)]} ${syllableWord(random)}`;
      const queryStarted = performance.now();
      await searchMemories(context, { query, scopes: [scope, { kind: 'org', id: orgId }], limit: 10 });
      latencies.push(performance.now() - queryStarted);
    }
    latencies.sort((a, b) => a - b);
    return {
      dialect,
      count,
      ingestPerSecond: count / ingestSeconds,
      addPerSecond,
      warmMs,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
    };
  } finally {
    await memory.close();
    await test.cleanup();
  }
}

async function postgresAvailable(): Promise<boolean> {
  try {
    const test = await createTestDatabase('postgres');
    await test.cleanup();
    return true;
  } catch {
    return false;
  }
}

const results: PerfResult[] = [];
if (!args['skip-sqlite']) results.push(await run('sqlite', Number(args.count), Number(args.queries)));
if (!args['skip-postgres'] && (await postgresAvailable())) {
  results.push(await run('postgres', Number(args['postgres-count']), Number(args.queries)));
}
const header =
  '| database | memories in scope | ingest (importMemories) | addMemory (full dedup) | first search (cache load) | search p50 | search p95 | search p99 |\n|---|---|---|---|---|---|---|---|';
const rows = results.map(
  (result) =>
    `| ${result.dialect} | ${result.count.toLocaleString('en-US')} | ${Math.round(result.ingestPerSecond).toLocaleString('en-US')}/s | ${Math.round(result.addPerSecond)}/s | ${result.warmMs.toFixed(0)} ms | ${result.p50.toFixed(2)} ms | ${result.p95.toFixed(2)} ms | ${result.p99.toFixed(2)} ms |`,
);
const table = [header, ...rows].join('\n');
console.log(table);
if (!args['no-write']) {
  writeMemoryResult(
    'memory-perf',
    `${machineLine()}\n\n\`node --import tsx bench/memory-perf/run.ts\` — offline embedder (512 dims), one scope, ${args.queries} queries over 2 scopes (limit 10), searches include access-stat buffering.\n\n${table}`,
  );
}
