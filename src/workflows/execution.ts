import type { Services } from '../context/index.js';
import type { TaskRunContext } from '../tasks/index.js';
import type { WorkflowDefinition } from './definition-schema.js';
import type { WorkflowRun, WorkflowStepState } from './run-store.js';

/** One handler invocation of a run: what every step executor needs. */
export interface Execution {
  services: Services;
  run: WorkflowRun;
  definition: WorkflowDefinition;
  task: TaskRunContext;
  /** Step states as loaded when this invocation began, updated as steps finish. */
  memo: Map<string, WorkflowStepState>;
  /** Aborts on cancel, lease loss, shutdown, a step's timeout, or a parallel join reached. */
  signal: AbortSignal;
}

/** The variables of expressions: `$input`, `$steps`, `$run`, and `$item`/`$index`/`$error` where they apply. */
export interface Scope {
  input: unknown;
  steps: Record<string, { output: unknown }>;
  run: { id: string; workflow: string; version: number };
  item?: unknown;
  index?: number;
  error?: { message: string; step: string };
  [name: string]: unknown;
}

/** A step waits (for a time, a person, a sub-workflow): the run's task suspends. */
export class Suspension extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'Suspension';
  }
}

/** A `succeed` step ended the run early. */
export class RunEnded extends Error {
  constructor(readonly output: unknown) {
    super('run ended by a succeed step');
    this.name = 'RunEnded';
  }
}

/** A step failed for good; `permanent` failures (a `fail` step, a rejection) are not retried. */
export class StepFailure extends Error {
  constructor(
    readonly key: string,
    message: string,
    readonly permanent = false,
  ) {
    super(message);
    this.name = 'StepFailure';
  }
}

export function stepKey(prefix: string, id: string): string {
  return prefix ? `${prefix}.${id}` : id;
}
