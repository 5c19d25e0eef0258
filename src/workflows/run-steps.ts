import { ColonyError, coerceError } from '../errors/index.js';
import { databaseOutageOf } from '../storage/index.js';
import type { Step } from './definition-schema.js';
import { type Execution, RunEnded, type Scope, StepFailure, Suspension, stepKey } from './execution.js';
import { evaluate } from './expressions.js';
import { bare } from './parse-definition.js';
import { executeStep, isPure, startsItself } from './step-executors.js';
import { writeStep } from './step-records.js';

const noRetry = { maxAttempts: 1, backoffMs: 0, factor: 1, maxBackoffMs: 0 };

/** Runs steps in order; each step's output joins `scope.steps`. Returns the last output. */
export async function runSteps(
  execution: Execution,
  steps: readonly Step[],
  prefix: string,
  scope: Scope,
): Promise<unknown> {
  let last: unknown = null;
  for (const step of steps) {
    last = await runStep(execution, step, prefix, scope);
    scope.steps[step.id] = { output: last };
  }
  return last;
}

function aborted(execution: Execution): Error {
  const reason: unknown = execution.signal.reason;
  return reason instanceof Error ? reason : new ColonyError('canceled', 'the workflow run was stopped');
}

/** Errors that are not the step's: they end this invocation and the task engine retries it. */
function passesThrough(error: unknown, execution: Execution): boolean {
  return (
    error instanceof Suspension ||
    error instanceof RunEnded ||
    execution.signal.aborted ||
    databaseOutageOf(error) !== undefined
  );
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', stop);
      resolve();
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', stop, { once: true });
  });
}

/** One attempt under the step's `timeoutMs` (its own signal aborts when the time is up). */
async function attemptOnce(execution: Execution, step: Step, prefix: string, scope: Scope, attempt: number) {
  const key = stepKey(prefix, step.id);
  const limit = step.type === 'approval' || step.type === 'wait' ? undefined : step.timeoutMs;
  if (limit === undefined) return executeStep(execution, step, prefix, scope, attempt, runSteps);
  const controller = new AbortController();
  const stop = () => controller.abort(execution.signal.reason);
  execution.signal.addEventListener('abort', stop, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new ColonyError('timeout', `step ${key} took longer than ${limit} ms`);
      controller.abort(error);
      reject(error);
    }, limit);
  });
  try {
    return await Promise.race([
      executeStep({ ...execution, signal: controller.signal }, step, prefix, scope, attempt, runSteps),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
    execution.signal.removeEventListener('abort', stop);
  }
}

/**
 * Runs one step once per run: a completed (or skipped) step returns its stored output without
 * running again, so a run resumed after a crash or a wait continues at its first unfinished step.
 * Failures are retried by the step's `retry` policy; when attempts are spent, `onError` steps run
 * (with `$error`) and give the step its output, or the failure goes up to the enclosing step.
 */
export async function runStep(
  execution: Execution,
  step: Step,
  prefix: string,
  scope: Scope,
): Promise<unknown> {
  const key = stepKey(prefix, step.id);
  const memo = execution.memo.get(key);
  if (memo && (memo.status === 'completed' || memo.status === 'skipped')) return memo.output;
  if (execution.signal.aborted) throw aborted(execution);
  if (memo?.status === 'handling') {
    return handle(execution, step, prefix, scope, memo.attempts, memo.error ?? 'failed');
  }
  if (!memo && step.if) {
    const go = await evaluate(bare(step.if), scope, `${key}.if`);
    if (!go) {
      await writeStep(execution, {
        step,
        key,
        attempt: 0,
        status: 'skipped',
        output: null,
        started: true,
        buffer: true,
      });
      return null;
    }
  }
  const policy = step.retry ?? noRetry;
  const resumed = memo !== undefined && memo.status !== 'failed';
  let attempt = memo ? (resumed ? Math.max(memo.attempts, 1) : memo.attempts + 1) : 1;
  const lastAttempt = (memo?.status === 'failed' ? memo.attempts : 0) + policy.maxAttempts;
  let fresh = !resumed;
  for (;;) {
    try {
      if (fresh && !startsItself(step)) {
        await writeStep(execution, { step, key, attempt, status: 'running' });
      }
      const output = await attemptOnce(execution, step, prefix, scope, attempt);
      await writeStep(execution, {
        step,
        key,
        attempt,
        status: 'completed',
        output,
        started: fresh && isPure(step),
        buffer: step.type === 'set',
      });
      return output;
    } catch (error) {
      if (passesThrough(error, execution)) throw error;
      const message = coerceError(error).message;
      const permanent = error instanceof StepFailure && error.permanent && error.key === key;
      if (!permanent && attempt < Math.max(lastAttempt, attempt)) {
        const delay = Math.min(policy.maxBackoffMs, policy.backoffMs * policy.factor ** (attempt - 1));
        const retryAt = execution.services.clock.now() + delay;
        await writeStep(execution, { step, key, attempt, status: 'failed', error: message, retryAt });
        await sleep(delay, execution.signal);
        attempt++;
        fresh = true;
        continue;
      }
      if (step.onError) {
        await writeStep(execution, { step, key, attempt, status: 'handling', error: message });
        return handle(execution, step, prefix, scope, attempt, message);
      }
      await writeStep(execution, { step, key, attempt, status: 'failed', error: message });
      throw new StepFailure(key, `step ${key} failed: ${message}`);
    }
  }
}

/** The `onError` branch of a step that failed for good; its last output becomes the step's. */
async function handle(
  execution: Execution,
  step: Step,
  prefix: string,
  scope: Scope,
  attempt: number,
  message: string,
): Promise<unknown> {
  const key = stepKey(prefix, step.id);
  const handlerScope: Scope = { ...scope, steps: { ...scope.steps }, error: { message, step: step.id } };
  const output = await runSteps(execution, step.onError ?? [], prefix, handlerScope);
  Object.assign(scope.steps, handlerScope.steps);
  await writeStep(execution, { step, key, attempt, status: 'completed', output, error: message });
  return output;
}
