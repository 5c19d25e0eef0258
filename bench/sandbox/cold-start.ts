/**
 * One cold start, in a fresh process: prints the ms to load QuickJS (import the variant, compile
 * the WebAssembly binary, instantiate it) and the ms of the first evaluation after that.
 */
import { loadQuickJs, runInSandbox } from '../../src/tools/javascript/quickjs-sandbox.js';

const limits = { timeLimitMs: 1_000, memoryLimitBytes: 32 * 1024 * 1024, maxOutputChars: 20_000 };
const started = performance.now();
await loadQuickJs(limits.memoryLimitBytes);
const loaded = performance.now();
const result = await runInSandbox('input.a + input.b', { a: 1, b: 2 }, limits);
const finished = performance.now();
if (result.resultJson !== '3') throw new Error(`unexpected result ${JSON.stringify(result)}`);
console.log(
  JSON.stringify({
    coldStartMs: finished - started,
    loadMs: loaded - started,
    firstCallMs: finished - loaded,
    rssBytes: process.memoryUsage().rss,
  }),
);
