/**
 * Bulk import through the HTTP API (`POST /v1/memories/import`, a real server on a local port),
 * bytes per memory on disk, and search latency through the API at that size.
 *
 *   node --import tsx bench/memory-import/run.ts [--count 100000] [--batch 2000] [--queries 300]
 *
 * SQLite always; Postgres too when COLONY_TEST_POSTGRES_URL / 127.0.0.1:5432 answers.
 * Bytes per memory: SQLite — database file growth after a WAL checkpoint and VACUUM, divided by
 * the count (with the per-table split from `dbstat`); Postgres — growth of `pg_total_relation_size`
 * (heap, TOAST, indexes) of the memory tables.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { loadConfig } from '../../src/config/index.js';
import { seededRandom } from '../../src/memory/test-support/planted-facts.js';
import { createSilentLogger } from '../../src/observability/index.js';
import { startServer } from '../../src/server/serve.js';
import type { DialectName } from '../../src/storage/index.js';
import { createPostgresDatabase } from '../../src/storage/test-support/databases.js';
import { machineLine, writeMemoryResult } from '../memory-perf/results-file.js';
import { names, syllableWord, syntheticMemories, topics } from '../memory-perf/synthetic.js';
import { percentile } from '../shared/results.js';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '2000' },
    queries: { type: 'string', default: '300' },
    'skip-postgres': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
});
const count = Number(args.count);
const batch = Number(args.batch);
const queries = Number(args.queries);
const adminKey = 'colony-bench-import-key-0123456789abcdefghijklmnop';
const memoryTables = ['memory', 'memory_tag', 'memory_log', 'memory_fts'];

interface ImportRun {
  dialect: DialectName;
  overall: number;
  /** Memories per second of this process's CPU time (user + system): the rate on an idle core. */
  perCpuSecond: number;
  first10k: number;
  last10k: number;
  bytesPerMemory: number;
  split: string;
  p50: number;
  p95: number;
  p99: number;
  /** CPU milliseconds of this process per search (client and server): the latency on an idle core. */
  searchCpuMs: number;
}

async function sqliteSize(file: string): Promise<{ total: number; tables: Map<string, number> }> {
  const database = new BetterSqlite3(file);
  try {
    database.pragma('wal_checkpoint(TRUNCATE)');
    database.exec('vacuum');
    const rows = database
      .prepare('select name, sum(pgsize) as bytes from dbstat group by name')
      .all() as Array<{
      name: string;
      bytes: number;
    }>;
    return { total: statSync(file).size, tables: new Map(rows.map((row) => [row.name, row.bytes])) };
  } finally {
    database.close();
  }
}

async function postgresSize(url: string): Promise<{ total: number; tables: Map<string, number> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('vacuum analyze');
    const result = await client.query<{ name: string; bytes: string }>(
      `select relname as name, pg_total_relation_size(oid) as bytes from pg_class
       where relkind = 'r' and relname = any($1)`,
      [memoryTables],
    );
    const tables = new Map(result.rows.map((row) => [row.name, Number(row.bytes)]));
    return { total: [...tables.values()].reduce((sum, bytes) => sum + bytes, 0), tables };
  } finally {
    await client.end();
  }
}

async function run(dialect: DialectName): Promise<ImportRun> {
  const dataDir = mkdtempSync(join(tmpdir(), 'colony-import-bench-'));
  const postgres = dialect === 'postgres' ? await createPostgresDatabase() : undefined;
  const config = loadConfig({
    env: {},
    cwd: dataDir,
    flags: {
      dataDir,
      port: 0,
      adminKey,
      noWorkers: true,
      rateLimitPerMinute: 1_000_000,
      bodyLimitBytes: 4_194_304,
      ...(postgres ? { databaseUrl: postgres.url } : {}),
    },
  });
  const file = join(dataDir, 'colony.db');
  const size = () => (postgres ? postgresSize(postgres.url) : sqliteSize(file));
  try {
    await (await startServer(config, createSilentLogger())).stop();
    const before = await size();
    const server = await startServer(config, createSilentLogger());
    const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    };
    let result: Omit<ImportRun, 'bytesPerMemory' | 'split'>;
    try {
      const items = syntheticMemories(count, { kind: 'org', id: 'org' }).map(
        ({ scope: _scope, ...item }, index) => ({
          ...item,
          scope: 'org',
          occurredAt: Date.UTC(2024, 0, 1) + index * 60_000,
          source: `bench.jsonl:${index + 1}`,
        }),
      );
      const marks: number[] = [];
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      for (let offset = 0; offset < items.length; offset += batch) {
        const answer = await call<{ created: number }>('POST', '/v1/memories/import', {
          items: items.slice(offset, offset + batch),
        });
        if (answer.created !== Math.min(batch, items.length - offset))
          throw new Error('duplicates in bench data');
        marks.push(performance.now());
      }
      const elapsed = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      const cpuSeconds = (cpu.user + cpu.system) / 1_000_000;
      const window = Math.max(1, Math.round(10_000 / batch));
      const rate = (from: number, to: number) =>
        ((to - from) * batch) /
        (((marks[to - 1] ?? 0) - (from === 0 ? started : (marks[from - 1] ?? 0))) / 1000);
      const random = seededRandom(99);
      await call('GET', '/v1/memories/search?q=warm%20up&scope=org&limit=10');
      const latencies: number[] = [];
      const searchCpu = process.cpuUsage();
      for (let index = 0; index < queries; index++) {
        const query = `${names[Math.floor(random() * names.length)]} ${topics[Math.floor(random() * topics.length)]} ${syllableWord(random)}`;
        const queryStarted = performance.now();
        await call('GET', `/v1/memories/search?q=${encodeURIComponent(query)}&scope=org&limit=10`);
        latencies.push(performance.now() - queryStarted);
      }
      const searchCpuUsed = process.cpuUsage(searchCpu);
      latencies.sort((a, b) => a - b);
      result = {
        searchCpuMs: (searchCpuUsed.user + searchCpuUsed.system) / 1000 / queries,
        dialect,
        overall: count / elapsed,
        perCpuSecond: count / cpuSeconds,
        first10k: rate(0, Math.min(window, marks.length)),
        last10k: rate(Math.max(0, marks.length - window), marks.length),
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        p99: percentile(latencies, 99),
      };
    } finally {
      await server.stop();
    }
    const after = await size();
    const split = [...after.tables]
      .filter(([name]) => name.startsWith('memory'))
      .map(([name, bytes]) => [name, (bytes - (before.tables.get(name) ?? 0)) / count] as const)
      .filter(([, bytes]) => bytes >= 1)
      .sort((left, right) => right[1] - left[1])
      .map(([name, bytes]) => `${name} ${Math.round(bytes)}`)
      .join(', ');
    return { ...result, bytesPerMemory: (after.total - before.total) / count, split };
  } finally {
    await postgres?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function postgresAvailable(): Promise<boolean> {
  try {
    await (await createPostgresDatabase()).drop();
    return true;
  } catch {
    return false;
  }
}

const loadAverage = loadavg()
  .map((value) => value.toFixed(1))
  .join(' ');
const results: ImportRun[] = [await run('sqlite')];
if (!args['skip-postgres'] && (await postgresAvailable())) results.push(await run('postgres'));
const header =
  '| database | memories | import (overall) | per CPU-second | first 10k | last 10k | bytes / memory | of which (bytes / memory) | search p50 | search p95 | search p99 | search CPU / query |\n|---|---|---|---|---|---|---|---|---|---|---|---|';
const rows = results.map(
  (result) =>
    `| ${result.dialect} | ${count.toLocaleString('en-US')} | ${Math.round(result.overall).toLocaleString('en-US')}/s | ${Math.round(result.perCpuSecond).toLocaleString('en-US')}/s | ${Math.round(result.first10k).toLocaleString('en-US')}/s | ${Math.round(result.last10k).toLocaleString('en-US')}/s | ${Math.round(result.bytesPerMemory)} | ${result.split} | ${result.p50.toFixed(2)} ms | ${result.p95.toFixed(2)} ms | ${result.p99.toFixed(2)} ms | ${result.searchCpuMs.toFixed(2)} ms |`,
);
const table = [header, ...rows].join('\n');
console.log(table);
if (!args['no-write']) {
  writeMemoryResult(
    'memory-import',
    `${machineLine()}\n\n\`node --import tsx bench/memory-import/run.ts --count ${count} --batch ${batch}\` — \`POST /v1/memories/import\` over a local socket (a real server in the same process, no workers), ${batch} memories per request into one org scope, each with its own occurredAt and source; offline embedder (512 dims, stored sparse). "first/last 10k": the rate while the scope held 0–10k and ${(count - 10_000).toLocaleString('en-US')}–${count.toLocaleString('en-US')} memories. Bytes: SQLite file growth after a WAL checkpoint and VACUUM ÷ count (per-table split from dbstat, indexes included under their own names); Postgres growth of pg_total_relation_size of memory, memory_tag, memory_log. Then ${queries} searches through \`GET /v1/memories/search\` (limit 10, sequential) at that size. Load average when it started: ${loadAverage}; "per CPU-second" divides by this process's user+system CPU time (client, server, SQLite; not the Postgres server's), the rate an idle core would give; "search CPU / query" likewise for one search.\n\n${table}`,
  );
}
