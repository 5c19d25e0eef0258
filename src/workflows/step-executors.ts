import type { Step, StepOf } from './definition-schema.js';
import { type Execution, RunEnded, type Scope, StepFailure, Suspension, stepKey } from './execution.js';
import { evaluate, evaluateTemplate } from './expressions.js';
import { bare } from './parse-definition.js';
import { startChildRun } from './start-run.js';
import { writeStep } from './step-records.js';

/** Steps that start and end in one write (no `running` row first). */
export function isPure(step: Step): boolean {
  return step.type === 'set' || step.type === 'fail' || step.type === 'succeed';
}

/** Steps that write their own first row (pure steps, and waits that write `waiting`). */
export function startsItself(step: Step): boolean {
  return isPure(step) || step.type === 'wait' || step.type === 'approval' || step.type === 'workflow';
}

/** Runs a list of steps in order (run-steps.ts passes it in: the two call each other). */
export type RunSteps = (
  execution: Execution,
  steps: readonly Step[],
  prefix: string,
  scope: Scope,
) => Promise<unknown>;

/** Runs one attempt of a step by its type and returns its output (runStep records it). */
export async function executeStep(
  execution: Execution,
  step: Step,
  prefix: string,
  scope: Scope,
  attempt: number,
  children: RunSteps,
): Promise<unknown> {
  const key = stepKey(prefix, step.id);
  switch (step.type) {
    case 'set':
      return evaluateTemplate(step.values, scope, `${key}.values`);
    case 'fail': {
      const message = await evaluateTemplate(step.error, scope, `${key}.error`);
      throw new StepFailure(key, typeof message === 'string' ? message : JSON.stringify(message), true);
    }
    case 'succeed': {
      const output =
        step.output === undefined ? null : await evaluateTemplate(step.output, scope, `${key}.output`);
      await writeStep(execution, { step, key, attempt, status: 'completed', output, started: true });
      throw new RunEnded(output);
    }
    case 'switch':
      return runSwitch(execution, step, prefix, scope, attempt, children);
    case 'parallel':
      return runParallel(execution, step, prefix, scope, children);
    case 'map':
      return runMap(execution, step, prefix, scope, attempt, children);
    case 'wait':
      return runWait(execution, step, key, scope, attempt);
    case 'approval':
      return runApproval(execution, step, key, scope, attempt);
    case 'workflow':
      return runSubWorkflow(execution, step, key, scope, attempt);
  }
}

async function runSwitch(
  execution: Execution,
  step: StepOf<'switch'>,
  prefix: string,
  scope: Scope,
  attempt: number,
  runSteps: RunSteps,
): Promise<unknown> {
  const key = stepKey(prefix, step.id);
  // The choice is stored, so a resumed run takes the same branch even if `$now()` moved on.
  const stored = execution.memo.get(key)?.output as { case?: number } | null | undefined;
  let chosen = typeof stored?.case === 'number' ? stored.case : undefined;
  if (chosen === undefined) {
    chosen = -1;
    for (const [index, branch] of step.cases.entries()) {
      if (await evaluate(bare(branch.when), scope, `${key}.cases.${index}.when`)) {
        chosen = index;
        break;
      }
    }
    await writeStep(execution, { step, key, attempt, status: 'running', output: { case: chosen } });
  }
  const steps = chosen >= 0 ? (step.cases[chosen]?.steps ?? []) : (step.default ?? []);
  return runSteps(execution, steps, prefix, scope);
}

/** Settles `count` jobs with at most `limit` at once; stops starting new ones once `signal` aborts. */
async function settleAll<T>(
  count: number,
  limit: number,
  signal: AbortSignal,
  job: (index: number) => Promise<T>,
): Promise<Array<PromiseSettledResult<T>>> {
  const results: Array<PromiseSettledResult<T>> = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      if (signal.aborted) {
        results[index] = { status: 'rejected', reason: signal.reason };
        continue;
      }
      try {
        results[index] = { status: 'fulfilled', value: await job(index) };
      } catch (error) {
        results[index] = { status: 'rejected', reason: error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return results;
}

/** After every job settled: the first real failure, else a suspension, else nothing. */
function throwOutcome(results: ReadonlyArray<PromiseSettledResult<unknown>>, key: string): void {
  const reasons = results.flatMap((result) =>
    result.status === 'rejected' ? [result.reason as unknown] : [],
  );
  const failure = reasons.find((reason) => !(reason instanceof Suspension));
  if (failure !== undefined) throw failure;
  if (reasons.length > 0) throw new Suspension(`${key}: ${reasons.length} waiting`);
}

async function runParallel(
  execution: Execution,
  step: StepOf<'parallel'>,
  prefix: string,
  scope: Scope,
  runSteps: RunSteps,
): Promise<unknown> {
  const key = stepKey(prefix, step.id);
  const { branches } = step;
  const need = step.join === 'all' ? branches.length : step.join === 'any' ? 1 : step.join.n;
  const controller = new AbortController();
  const stop = () => controller.abort(execution.signal.reason);
  execution.signal.addEventListener('abort', stop, { once: true });
  const joined: string[] = [];
  const scopes = branches.map(() => ({ ...scope, steps: { ...scope.steps } }));
  try {
    const results = await settleAll(branches.length, branches.length, controller.signal, async (index) => {
      const branch = branches[index];
      const branchScope = scopes[index];
      if (!branch || !branchScope) return null;
      const output = await runSteps(
        { ...execution, signal: controller.signal },
        branch.steps,
        prefix,
        branchScope,
      );
      joined.push(branch.id);
      // Enough branches joined: stop the others (their finished steps stay recorded).
      if (joined.length >= need && need < branches.length) controller.abort(new Suspension('joined'));
      return output;
    });
    if (execution.signal.aborted) throw execution.signal.reason;
    if (joined.length < need) throwOutcome(results, key);
    const output: Record<string, unknown> = {};
    for (const [index, branch] of branches.entries()) {
      const result = results[index];
      if (joined.slice(0, need).includes(branch.id) && result?.status === 'fulfilled') {
        output[branch.id] = result.value;
        Object.assign(scope.steps, scopes[index]?.steps);
      }
    }
    return output;
  } finally {
    execution.signal.removeEventListener('abort', stop);
  }
}

async function runMap(
  execution: Execution,
  step: StepOf<'map'>,
  prefix: string,
  scope: Scope,
  attempt: number,
  runSteps: RunSteps,
): Promise<unknown> {
  const key = stepKey(prefix, step.id);
  // The list is stored when the map starts, so a resumed run maps the same items.
  const stored = execution.memo.get(key)?.output as { items?: unknown[] } | null | undefined;
  let items = Array.isArray(stored?.items) ? stored.items : undefined;
  if (!items) {
    const value = await evaluate(bare(step.items), scope, `${key}.items`);
    const list = value === null ? [] : Array.isArray(value) ? value : [value];
    if (list.length > step.maxItems) {
      throw new StepFailure(key, `${key}.items: ${list.length} items, over maxItems ${step.maxItems}`, true);
    }
    items = list;
    await writeStep(execution, { step, key, attempt, status: 'running', output: { items } });
  }
  const list = items;
  const results = await settleAll(list.length, step.concurrency, execution.signal, (index) =>
    runSteps(execution, step.steps, `${key}[${index}]`, {
      ...scope,
      steps: { ...scope.steps },
      item: list[index],
      index,
    }),
  );
  if (execution.signal.aborted) throw execution.signal.reason;
  throwOutcome(results, key);
  return results.map((result) => (result.status === 'fulfilled' ? result.value : null));
}

function toTime(value: unknown, path: string): number {
  const time = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(time))
    throw new StepFailure(path, `${path}: not a time (${JSON.stringify(value)})`, true);
  return time;
}

async function runWait(
  execution: Execution,
  step: StepOf<'wait'>,
  key: string,
  scope: Scope,
  attempt: number,
): Promise<unknown> {
  const now = execution.services.clock.now();
  const memo = execution.memo.get(key);
  if (memo?.status === 'waiting' && memo.wakeAt !== null) {
    if (memo.wakeAt <= now) return { waitedUntil: memo.wakeAt };
    throw new Suspension(`${key}: waiting until ${new Date(memo.wakeAt).toISOString()}`);
  }
  const wakeAt =
    step.durationMs !== undefined
      ? now + step.durationMs
      : toTime(await evaluate(bare(step.until ?? ''), scope, `${key}.until`), `${key}.until`);
  if (wakeAt <= now) return { waitedUntil: wakeAt };
  await writeStep(execution, {
    step,
    key,
    attempt,
    status: 'waiting',
    wakeAt,
    started: true,
    reason: 'time',
  });
  throw new Suspension(`${key}: waiting until ${new Date(wakeAt).toISOString()}`);
}

interface Decision {
  approved?: boolean;
  by?: string;
  comment?: string | null;
  status?: string;
  output?: unknown;
  error?: string | null;
  childRunId?: string;
}

async function runApproval(
  execution: Execution,
  step: StepOf<'approval'>,
  key: string,
  scope: Scope,
  attempt: number,
): Promise<unknown> {
  const memo = execution.memo.get(key);
  const now = execution.services.clock.now();
  if (memo?.status === 'decided') {
    const decision = (memo.output ?? {}) as Decision;
    if (decision.approved) return decision;
    throw new StepFailure(
      key,
      `rejected by ${decision.by ?? 'someone'}${decision.comment ? `: ${decision.comment}` : ''}`,
      true,
    );
  }
  if (memo?.status === 'waiting') {
    if (memo.wakeAt !== null && memo.wakeAt <= now) {
      if (step.onTimeout === 'approve') return { approved: true, by: 'timeout', comment: null };
      throw new StepFailure(key, `no decision within ${step.timeoutMs} ms`, true);
    }
    throw new Suspension(`${key}: waiting for approval`);
  }
  const prompt = await evaluateTemplate(step.prompt, scope, `${key}.prompt`);
  await writeStep(execution, {
    step,
    key,
    attempt,
    status: 'waiting',
    output: { prompt },
    wakeAt: step.timeoutMs === undefined ? null : now + step.timeoutMs,
    started: true,
    reason: 'approval',
  });
  throw new Suspension(`${key}: waiting for approval`);
}

async function runSubWorkflow(
  execution: Execution,
  step: StepOf<'workflow'>,
  key: string,
  scope: Scope,
  attempt: number,
): Promise<unknown> {
  const memo = execution.memo.get(key);
  if (memo?.status === 'decided') {
    const decision = (memo.output ?? {}) as Decision;
    if (decision.status === 'succeeded') return decision.output ?? null;
    throw new StepFailure(
      key,
      `sub-workflow run ${decision.childRunId ?? ''} ${decision.status}: ${decision.error ?? ''}`,
    );
  }
  if (memo?.status === 'waiting') throw new Suspension(`${key}: waiting for a sub-workflow`);
  const input = step.input === undefined ? {} : await evaluateTemplate(step.input, scope, `${key}.input`);
  await startChildRun(execution, step, key, attempt, input);
  throw new Suspension(`${key}: waiting for a sub-workflow`);
}
