import type { Services } from '../context/index.js';
import type { TaskRunContext } from '../tasks/index.js';
import type { Step, WorkflowDefinition } from './definition-schema.js';
import type { StepStatus, WorkflowRun, WorkflowStepState } from './run-store.js';

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
  /** Pure step completions not committed yet (step-records.ts); shared by every branch. */
  buffered: PendingWrite[];
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

/** One write of a step's state (step-records.ts). */
export interface StepWrite {
  step: Step;
  key: string;
  attempt: number;
  status: StepStatus;
  output?: unknown;
  error?: string | null;
  wakeAt?: number | null;
  /** Emit `workflow-step-started` too (a step that starts and ends in one write). */
  started?: boolean;
  retryAt?: number | null;
  reason?: string;
  /** May wait for the next commit (a pure step's completion). */
  buffer?: boolean;
}

/** A write with its output serialized and its time, waiting for a commit. */
export interface PendingWrite {
  write: StepWrite;
  output: string | null;
  now: number;
}
