/**
 * MCP bench (issue 12): what Colony adds to one MCP tool call, over stdio and streamable HTTP,
 * against calling the same SDK-written server with the SDK client directly; and the memory held
 * by 10 idle stdio servers. Colony's path is the one a run's tool step takes: the agent's tool
 * list resolved for the org (the server row read from SQLite, its cached tool listing), then the
 * definition's `execute` (concurrency slot, call, result mapping). The durable step's own writes
 * are those of every tool and are measured by bench/tasks. Target: ≤ 2 ms p50 added.
 * Writes `## mcp` in bench/RESULTS.md.
 *
 *   node --import tsx bench/mcp/run.ts
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport, type Transport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { configDefaults } from '../../src/config/index.js';
import { systemActor } from '../../src/context/index.js';
import { createEventBus } from '../../src/events/index.js';
import { createOrg } from '../../src/identity/index.js';
import { createIdGenerator, systemClock } from '../../src/kernel/index.js';
import { createMcpHub, createMcpServer, createMcpToolSource, type McpHub } from '../../src/mcp/index.js';
import { fixtureServerPath } from '../../src/mcp/test-support/fixture.js';
import { startHttpFixture } from '../../src/mcp/test-support/http-fixture.js';
import { createSilentLogger } from '../../src/observability/index.js';
import { createSecretResolver, createSecretVault } from '../../src/secrets/index.js';
import { migrate, openDatabase } from '../../src/storage/index.js';
import { createToolRegistry, type ToolContext } from '../../src/tools/index.js';
import { machineLine, markdownTable, percentile, writeSection } from '../shared/results.js';

const calls = 2000;
const warmup = 200;
const idleServers = 10;
const signal = new AbortController().signal;

const directory = mkdtempSync(join(tmpdir(), 'colony-bench-mcp-'));
const database = openDatabase({ url: join(directory, 'bench.db') });
await migrate(database);
const base = {
  database,
  bus: createEventBus(),
  clock: systemClock,
  ids: createIdGenerator(),
  logger: createSilentLogger(),
};
const settings = { ...configDefaults.mcp, stdioCommands: ['*'] };
const http = await startHttpFixture();

function hubContext(hub: McpHub, orgId: string) {
  return { services: { ...base, mcp: hub }, actor: systemActor(orgId), signal };
}

/** p50 and p90 of two interleaved paths, in ms. */
async function compare(direct: () => Promise<unknown>, colony: () => Promise<unknown>) {
  const times = { direct: [] as number[], colony: [] as number[] };
  for (let index = 0; index < warmup + calls; index++) {
    for (const [name, call] of [
      ['direct', direct],
      ['colony', colony],
    ] as const) {
      const started = performance.now();
      await call();
      if (index >= warmup) times[name].push(performance.now() - started);
    }
  }
  const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
  const direct50 = percentile(sorted(times.direct), 50);
  const colony50 = percentile(sorted(times.colony), 50);
  return {
    direct: [direct50, percentile(sorted(times.direct), 90)],
    colony: [colony50, percentile(sorted(times.colony), 90)],
    added: colony50 - direct50,
  };
}

async function measureTransport(label: 'stdio' | 'http') {
  const hub = createMcpHub(settings, systemClock);
  const registry = createToolRegistry(configDefaults.tools);
  registry.addSource(
    createMcpToolSource(base, hub, createSecretResolver({ ...base, secrets: createSecretVault(null) })),
  );
  const org = await createOrg(base, { name: `bench-${label}` });
  const transport =
    label === 'stdio'
      ? { type: 'stdio' as const, command: process.execPath, args: [fixtureServerPath], env: {} }
      : { type: 'http' as const, url: http.url, headers: {} };
  await createMcpServer(hubContext(hub, org.id), { name: 'fixture', transport });
  const context: ToolContext = {
    signal,
    now: Date.now,
    orgId: org.id,
    runId: 'run_bench',
    toolCallId: 'call_bench',
    taskId: null,
    agentId: 'agt_bench',
    chatId: 'chat_bench',
    createdBy: null,
    httpEndpoints: {},
  };
  const viaColony = async () => {
    const tools = await registry.resolve(org.id, ['mcp:fixture/echo'], signal);
    const echo = tools.get('mcp__fixture__echo');
    if (!echo) throw new Error('the echo tool did not resolve');
    return echo.execute({ text: 'ping' }, context);
  };
  await viaColony();

  const client = new Client({ name: 'bench', version: '1' }, { versionNegotiation: { mode: 'auto' } });
  const direct: Transport =
    label === 'stdio'
      ? new StdioClientTransport({ command: process.execPath, args: [fixtureServerPath], stderr: 'ignore' })
      : new StreamableHTTPClientTransport(new URL(http.url));
  await client.connect(direct);
  const viaSdk = () => client.callTool({ name: 'echo', arguments: { text: 'ping' } });
  const result = await compare(viaSdk, viaColony);
  await client.close();
  await hub.close();
  return result;
}

/** Lets closed clients and processes go, then collects twice (run with --expose-gc). */
async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  global.gc?.();
  global.gc?.();
}

function residentKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
}

async function measureIdle() {
  const hub = createMcpHub(settings, systemClock);
  const org = await createOrg(base, { name: 'bench-idle' });
  await settle();
  const heapBefore = process.memoryUsage().heapUsed;
  for (let index = 0; index < idleServers; index++) {
    const server = await createMcpServer(hubContext(hub, org.id), {
      name: `idle-${index}`,
      transport: { type: 'stdio', command: process.execPath, args: [fixtureServerPath], env: {} },
    });
    await hub.connectionOf(server).listTools(signal);
  }
  await settle();
  const children = hub.pids().map(residentKb);
  const result = {
    servers: children.length,
    childrenMb: children.reduce((sum, kb) => sum + kb, 0) / 1024,
    perChildMb: children.reduce((sum, kb) => sum + kb, 0) / 1024 / children.length,
    colonyHeapMb: (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024,
  };
  await hub.close();
  return result;
}

const stdio = await measureTransport('stdio');
const overHttp = await measureTransport('http');
const idle = await measureIdle();
await http.close();
await database.close();
rmSync(directory, { recursive: true, force: true });

const ms = (value: number | undefined) => `${(value ?? Number.NaN).toFixed(3)} ms`;
const row = (name: string, measured: Awaited<ReturnType<typeof compare>>) => [
  name,
  `${ms(measured.direct[0])} / ${ms(measured.direct[1])}`,
  `${ms(measured.colony[0])} / ${ms(measured.colony[1])}`,
  ms(measured.added),
  '≤ 2 ms',
  measured.added <= 2 ? 'yes' : 'no',
];
const table = markdownTable(
  ['transport', 'SDK client direct p50 / p90', 'Colony tool path p50 / p90', 'added p50', 'target', 'met'],
  [row('stdio', stdio), row('streamable HTTP', overHttp)],
);
const memory = markdownTable(
  ['idle stdio servers', 'their RSS, total', 'per server', "Colony's heap for their connections"],
  [
    [
      idle.servers,
      `${idle.childrenMb.toFixed(1)} MB`,
      `${idle.perChildMb.toFixed(1)} MB`,
      idle.colonyHeapMb < 1
        ? `< 1 MB (measured ${idle.colonyHeapMb.toFixed(1)} MB: within GC noise)`
        : `${idle.colonyHeapMb.toFixed(1)} MB`,
    ],
  ],
);
const body = `${machineLine()}\n\n\`node --expose-gc --import tsx bench/mcp/run.ts\` — the SDK-written fixture server (src/mcp/test-support), tool \`echo\`; ${calls} calls per path after ${warmup} warm-up ones, the two paths interleaved. Colony's path: the agent's tool list resolved for the org (server row read from SQLite, cached tool listing) + the definition's \`execute\`; the durable step's writes are those of every tool (bench/tasks). Load average at the start: ${loadavg()[0]?.toFixed(1)} (shared machine).\n\n${table}\n\nMemory of ${idleServers} idle stdio servers (Node processes running the fixture, each started and listed once):\n\n${memory}`;
writeSection('mcp', body);
console.log(body);
