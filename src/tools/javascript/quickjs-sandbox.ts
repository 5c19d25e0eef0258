import type { QuickJSContext, QuickJSHandle, QuickJSWASMModule } from 'quickjs-emscripten-core';
import { coerceError } from '../../errors/index.js';
import { createOutputCollector } from './output-collector.js';
import { instantiateQuickJs } from './quickjs-module.js';
import { sandboxPrelude } from './sandbox-prelude.js';

/** Limits of one sandboxed evaluation. */
export interface SandboxLimits {
  /** Wall-clock budget of the evaluation, pending promise jobs included (an interrupt stops it). */
  timeLimitMs: number;
  /** Heap the script's runtime may allocate. */
  memoryLimitBytes: number;
  /** Characters of console output kept; the rest is cut with the truncation marker. */
  maxOutputChars: number;
}

/** The outcome of one evaluation: the result as JSON text, or why there is none. */
export interface SandboxResult {
  /** The value of the script's last expression (a Promise is awaited), as JSON; `null` on error. */
  resultJson: string | null;
  /** Why the script produced no result: its own exception or the limit it hit. */
  error: string | null;
  /** Everything the script wrote with `console.*`, one line per call, cut at `maxOutputChars`. */
  console: string;
  /** True when the console output was cut. */
  truncated: boolean;
}

/** The interpreter's own stack budget: deep recursion becomes a `RangeError` inside the script. */
const maxStackSizeBytes = 512 * 1024;

let instance: { heapLimitBytes: number; module: Promise<QuickJSWASMModule> } | undefined;

/**
 * The QuickJS instance evaluations share (compiled and instantiated once: the cold start); every
 * evaluation gets its own runtime and context in it, so nothing leaks from one call to the next.
 * An instance that failed to clean up after a script is dropped, and the next call gets a new one.
 */
export function loadQuickJs(heapLimitBytes: number): Promise<QuickJSWASMModule> {
  if (instance?.heapLimitBytes !== heapLimitBytes) {
    const module = instantiateQuickJs(heapLimitBytes);
    instance = { heapLimitBytes, module };
    module.catch(() => dropQuickJs(module));
  }
  return instance.module;
}

function dropQuickJs(module: Promise<QuickJSWASMModule>): void {
  if (instance?.module === module) instance = undefined;
}

function describeFailure(context: QuickJSContext, handle: QuickJSHandle): string {
  try {
    const dumped: unknown = context.dump(handle);
    if (typeof dumped === 'object' && dumped !== null && 'message' in dumped) {
      const { name, message } = dumped as { name?: unknown; message?: unknown };
      return `${String(name ?? 'Error')}: ${String(message)}`;
    }
    return String(dumped);
  } catch (error) {
    return coerceError(error).message;
  }
}

/**
 * Runs `code` as a global script in a fresh QuickJS runtime under `limits`. The script sees only
 * the ECMAScript built-ins, `input` (a copy of the JSON value given) and `console`: no file
 * system, network, process, module loader or timers. The evaluation is synchronous and holds
 * the thread for at most `timeLimitMs`.
 *
 * @example
 * const result = await runInSandbox('input.a + input.b', { a: 1, b: 2 }, limits);
 * result.resultJson; // '3'
 */
export async function runInSandbox(
  code: string,
  input: unknown,
  limits: SandboxLimits,
): Promise<SandboxResult> {
  const loaded = loadQuickJs(limits.memoryLimitBytes);
  const module = await loaded;
  const output = createOutputCollector(limits.maxOutputChars);
  const deadline = performance.now() + limits.timeLimitMs;
  let interrupted = false;
  const runtime = module.newRuntime({ memoryLimitBytes: limits.memoryLimitBytes, maxStackSizeBytes });
  runtime.setInterruptHandler(() => {
    interrupted ||= performance.now() > deadline;
    return interrupted;
  });
  const handles: QuickJSHandle[] = [];
  const keep = (handle: QuickJSHandle) => {
    handles.push(handle);
    return handle;
  };
  let context: QuickJSContext | undefined;
  let failure: string | null = null;
  let outcomeText = '{"pending":true}';
  try {
    context = runtime.newContext();
    const vm = context;
    const emit = keep(
      vm.newFunction('emit', (level, text, length) => {
        output.write(vm.getString(level), vm.getString(text), vm.getNumber(length));
      }),
    );
    const prelude = vm.evalCode(sandboxPrelude, 'prelude.js', { type: 'global', strict: true });
    if (prelude.error) throw new Error(describeFailure(vm, keep(prelude.error)));
    const setup = keep(prelude.value);
    const started = vm.callFunction(
      setup,
      vm.undefined,
      emit,
      keep(vm.newString(JSON.stringify(input ?? null))),
      keep(vm.newNumber(limits.maxOutputChars)),
    );
    if (started.error) throw new Error(describeFailure(vm, keep(started.error)));
    const sandbox = keep(started.value);
    const run = vm.callFunction(keep(vm.getProp(sandbox, 'start')), sandbox, keep(vm.newString(code)));
    if (run.error) failure = describeFailure(vm, keep(run.error));
    else keep(run.value);
    if (failure === null) {
      const jobs = runtime.executePendingJobs(-1);
      if (jobs.error) failure = describeFailure(vm, keep(jobs.error));
    }
    if (failure === null) {
      const finished = vm.callFunction(keep(vm.getProp(sandbox, 'finish')), sandbox);
      if (finished.error) failure = describeFailure(vm, keep(finished.error));
      else outcomeText = vm.getString(keep(finished.value));
    }
  } catch (error) {
    failure = coerceError(error).message;
  } finally {
    try {
      for (const handle of handles.reverse()) if (handle.alive) handle.dispose();
      context?.dispose();
      runtime.dispose();
    } catch {
      // QuickJS can leave objects behind after running out of memory, and then aborts on cleanup.
      dropQuickJs(loaded);
    }
  }
  return { ...explain(failure, outcomeText, interrupted, limits), ...output.result() };
}

function explain(
  failure: string | null,
  outcomeText: string,
  interrupted: boolean,
  limits: SandboxLimits,
): Pick<SandboxResult, 'resultJson' | 'error'> {
  if (interrupted)
    return { resultJson: null, error: `stopped: the time limit of ${limits.timeLimitMs} ms was exceeded` };
  if (failure !== null) {
    if (/out of memory/i.test(failure)) {
      const megabytes = Math.round(limits.memoryLimitBytes / 1024 / 1024);
      return { resultJson: null, error: `stopped: the memory limit of ${megabytes} MB was exceeded` };
    }
    return { resultJson: null, error: failure };
  }
  const outcome = JSON.parse(outcomeText) as { json?: string; error?: string; pending?: true };
  if (outcome.json !== undefined) return { resultJson: outcome.json, error: null };
  if (outcome.error !== undefined) {
    if (/out of memory/i.test(outcome.error)) return explain(outcome.error, outcomeText, false, limits);
    return { resultJson: null, error: outcome.error };
  }
  return {
    resultJson: null,
    error: 'the promise returned by the script never settled (there are no timers or I/O to wait for)',
  };
}
