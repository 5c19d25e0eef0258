/**
 * Sandbox bench (issue 12): `run_javascript` on QuickJS/WebAssembly.
 * - cold start: the first evaluation in a fresh process (compile the WebAssembly binary,
 *   instantiate it with its capped memory, new runtime + context, evaluate), in 10 processes;
 * - a trivial call (`input.a + input.b`, fresh runtime + context each time), 1,000 times;
 * - a new instance on the compiled binary (what a call pays after an instance was dropped).
 * Targets: cold start ≤ 20 ms, trivial call p50 ≤ 2 ms. Writes `## sandbox` in bench/RESULTS.md.
 *
 *   node --import tsx bench/sandbox/run.ts
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { instantiateQuickJs } from '../../src/tools/javascript/quickjs-module.js';
import { runInSandbox } from '../../src/tools/javascript/quickjs-sandbox.js';
import { machineLine, markdownTable, percentile, writeSection } from '../shared/results.js';

const limits = { timeLimitMs: 1_000, memoryLimitBytes: 32 * 1024 * 1024, maxOutputChars: 20_000 };
const coldStarts = 10;
const calls = 1_000;
const warmup = 100;
const instances = 50;

const coldScript = fileURLToPath(new URL('./cold-start.ts', import.meta.url));
const cold: number[] = [];
const load: number[] = [];
const firstCall: number[] = [];
const rss: number[] = [];
for (let index = 0; index < coldStarts; index++) {
  const line = execFileSync(process.execPath, ['--import', 'tsx', coldScript], { encoding: 'utf8' });
  const measured = JSON.parse(line.trim()) as {
    coldStartMs: number;
    loadMs: number;
    firstCallMs: number;
    rssBytes: number;
  };
  cold.push(measured.coldStartMs);
  load.push(measured.loadMs);
  firstCall.push(measured.firstCallMs);
  rss.push(measured.rssBytes);
}

async function timed(count: number, action: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let index = 0; index < count; index++) {
    const started = performance.now();
    await action();
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b);
}

await timed(warmup, () => runInSandbox('input.a + input.b', { a: 1, b: 2 }, limits));
const trivial = await timed(calls, () => runInSandbox('input.a + input.b', { a: 1, b: 2 }, limits));
const fresh = await timed(instances, () => instantiateQuickJs(limits.memoryLimitBytes));
for (const samples of [cold, load, firstCall]) samples.sort((a, b) => a - b);

const ms = (value: number) => `${value.toFixed(2)} ms`;
const row = (name: string, samples: number[], target: string, limit: number | null) => [
  name,
  ms(percentile(samples, 50)),
  ms(percentile(samples, 95)),
  ms(percentile(samples, 99)),
  target,
  limit === null ? '—' : percentile(samples, 50) <= limit ? 'yes' : 'no',
];
const table = markdownTable(
  ['measurement', 'p50', 'p95', 'p99', 'target', 'met'],
  [
    row(`cold start: first call in a fresh process (${coldStarts} processes)`, cold, '≤ 20 ms', 20),
    row('… of which: load (import, compile, instantiate)', load, '—', null),
    row('… of which: the first evaluation (V8 compiles WebAssembly functions lazily)', firstCall, '—', null),
    row(`trivial call, fresh runtime + context (${calls} calls)`, trivial, '≤ 2 ms', 2),
    row(`new instance on the compiled binary (${instances} times)`, fresh, '—', null),
  ],
);
const rssMedian = percentile(
  rss.sort((a, b) => a - b),
  50,
);
console.log(table);
writeSection(
  'sandbox',
  `${machineLine()}\n\n\`npm run bench:sandbox\` — \`run_javascript\` on QuickJS/WebAssembly (quickjs-emscripten 0.32, release-sync build), limits 1 s / 32 MB / 20,000 chars. Resident memory of a process after its first call: ${(rssMedian / 1024 / 1024).toFixed(0)} MB (median; Node + tsx + one instance). Load average at the start: ${loadavg()[0]?.toFixed(1)} (shared machine).\n\n${table}`,
);
