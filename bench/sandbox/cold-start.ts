/** One cold start, in a fresh process: prints the ms of the first `run_javascript` evaluation. */
import { runInSandbox } from '../../src/tools/javascript/quickjs-sandbox.js';

const limits = { timeLimitMs: 1_000, memoryLimitBytes: 32 * 1024 * 1024, maxOutputChars: 20_000 };
const started = performance.now();
const result = await runInSandbox('input.a + input.b', { a: 1, b: 2 }, limits);
const elapsed = performance.now() - started;
if (result.resultJson !== '3') throw new Error(`unexpected result ${JSON.stringify(result)}`);
console.log(JSON.stringify({ coldStartMs: elapsed, rssBytes: process.memoryUsage().rss }));
