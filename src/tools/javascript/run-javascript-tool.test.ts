import { describe, expect, it } from 'vitest';
import { configDefaults } from '../../config/index.js';
import { testToolContext } from '../test-support/tool-context.js';
import { createRunJavaScriptTool, type JavaScriptToolConfig } from './run-javascript-tool.js';

const context = testToolContext();

const limits: JavaScriptToolConfig = {
  timeLimitMs: 300,
  memoryLimitBytes: 16 * 1024 * 1024,
  maxOutputChars: 2_000,
};

function run(code: string, input?: unknown, overrides: Partial<JavaScriptToolConfig> = {}) {
  const tool = createRunJavaScriptTool({ ...limits, ...overrides });
  return tool.execute(input === undefined ? { code } : { code, input: input as never }, context);
}

/** After each attack, an ordinary call still works and sees a clean global scope. */
async function expectHealthy() {
  const healthy = await run('[typeof polluted, ({}).polluted, input.n * 2]', { n: 21 });
  expect(healthy).toEqual({ result: ['undefined', null, 42], console: '', truncated: false });
}

describe('run_javascript', () => {
  it('returns the last expression as JSON with the console output', async () => {
    const output = await run(
      'console.log("sum", input.a + input.b, { ok: true }); console.warn("careful"); ({ sum: input.a + input.b })',
      { a: 1, b: 2 },
    );
    expect(output).toEqual({
      result: { sum: 3 },
      console: 'sum 3 {"ok":true}\n[warn] careful\n',
      truncated: false,
    });
    expect(await run('undefined')).toEqual({ result: null, console: '', truncated: false });
    expect((await run('(async () => { await null; return [1, 2].map((n) => n * 10); })()')).result).toEqual([
      10, 20,
    ]);
    expect(createRunJavaScriptTool(configDefaults.tools.javascript).requiresApproval({ code: '1' })).toBe(
      false,
    );
  });

  it('reports a thrown error and a rejected promise with what was logged before', async () => {
    const thrown = await run('console.log("before"); throw new TypeError("bad thing")');
    expect(thrown).toMatchObject({
      result: null,
      error: expect.stringMatching(/^TypeError: bad thing/),
      console: 'before\n',
    });
    expect((await run('Promise.reject(new Error("later"))')).error).toMatch(/^Error: later/);
    expect((await run('new Promise(() => {})')).error).toContain('never settled');
    expect((await run('({ big: 1n })')).error).toContain('cannot be converted to JSON');
  });

  it('stops an infinite loop at the time limit, also in promise jobs', async () => {
    const loop = await run('console.log("spinning"); while (true) {}');
    expect(loop).toMatchObject({
      result: null,
      error: 'stopped: the time limit of 300 ms was exceeded',
      console: 'spinning\n',
    });
    const caught = await run('for (;;) { try { while (true) {} } catch (error) {} }');
    expect(caught.error).toContain('time limit');
    expect((await run('(async () => { for (;;) await null; })()')).error).toContain('time limit');
    await expectHealthy();
  });

  it('stops a memory bomb at the memory limit', async () => {
    const generous = { timeLimitMs: 10_000 };
    const buffers = await run(
      'const hoard = []; for (;;) hoard.push(new Uint8Array(1024 * 1024));',
      undefined,
      generous,
    );
    expect(buffers.error).toBe('stopped: the memory limit of 16 MB was exceeded');
    const numbers = await run('const hoard = []; for (;;) hoard.push(hoard.length);', undefined, generous);
    expect(numbers.error).toBe('stopped: the memory limit of 16 MB was exceeded');
    const caught = await run(
      'try { new ArrayBuffer(1e9) } catch (error) { console.log(String(error)) } 1',
      undefined,
      generous,
    );
    expect(caught).toMatchObject({ result: 1, console: 'InternalError: out of memory\n' });
    expect((await run('let s = "x"; for (;;) s += s;')).error).toMatch(/string too long|memory limit/);
    expect((await run('function deeper(n) { return deeper(n + 1) + 1; } deeper(0)')).error).toMatch(
      /RangeError|stack/i,
    );
    await expectHealthy();
  });

  it('cuts an output bomb at the output limit with the truncation marker', async () => {
    const bomb = await run('for (;;) console.log("y".repeat(10000))');
    expect(bomb.error).toContain('time limit');
    expect(bomb.truncated).toBe(true);
    expect(bomb.console.length).toBeLessThanOrEqual(2_000);
    expect(bomb.console).toMatch(/^y+… \[truncated \d+ chars\]$/);
    const exact = await run('console.log("z".repeat(1999))');
    expect(exact).toMatchObject({ console: `${'z'.repeat(1999)}\n`, truncated: false });
    await expectHealthy();
  });

  it('gives the script no way out to the host', async () => {
    const probes = await run(`[
      typeof process, typeof require, typeof module, typeof setTimeout, typeof setInterval, typeof fetch,
      typeof XMLHttpRequest, typeof WebAssembly, typeof std, typeof os, typeof Deno, typeof Bun,
    ]`);
    expect(probes.result).toEqual(Array(12).fill('undefined'));
    expect((await run('process.exit(1)')).error).toMatch(/^ReferenceError: 'process' is not defined/);
    expect((await run('require("fs")')).error).toMatch(/^ReferenceError: 'require' is not defined/);
    expect((await run('import("fs")')).error).toMatch(/^TypeError/);
    const imported = await run('import("node:child_process").then((m) => m.execSync("id").toString())');
    expect(imported).toMatchObject({ result: null, error: expect.stringMatching(/^TypeError/) });
    expect((await run("this.constructor.constructor('return process')()")).error).toMatch(
      /'process' is not defined/,
    );
    expect((await run("console.log.constructor('return this')().process")).result).toBeNull();
    await expectHealthy();
  });

  it('keeps prototype pollution inside the call', async () => {
    const polluting = await run(
      `
      Object.prototype.polluted = 'yes';
      Array.prototype.map = () => 'hijacked';
      input.__proto__.polluted = 'also';
      globalThis.polluted = true;
      JSON.stringify = () => '"forged"';
      [({}).polluted, Object.getPrototypeOf(input) === Object.prototype]`,
      { n: 1 },
    );
    expect(polluting.result).toEqual(['also', true]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect([1].map((n) => n + 1)).toEqual([2]);
    await expectHealthy();
  });
});
