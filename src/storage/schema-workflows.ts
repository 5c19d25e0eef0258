/** A named workflow of an org (migration 0014); written only by `src/workflows`. */
export interface WorkflowTable {
  id: string;
  org_id: string;
  /** Unique per org. */
  name: string;
  /** Every apply adds a version; runs start the latest unless told otherwise. */
  latest_version: number;
  created_by: string;
  created_at: number;
  updated_at: number;
}

/** One applied definition, immutable. */
export interface WorkflowVersionTable {
  workflow_id: string;
  version: number;
  org_id: string;
  /** The validated definition as JSON. */
  definition: string;
  /** The text as applied (YAML or JSON). */
  source: string;
  created_by: string;
  created_at: number;
}

/** One run of a workflow version, driven by its `workflow-run` task. */
export interface WorkflowRunTable {
  id: string;
  org_id: string;
  workflow_id: string;
  workflow_name: string;
  version: number;
  /** `running`, `waiting`, `succeeded`, `failed`, `canceled`. */
  status: string;
  input: string;
  output: string | null;
  error: string | null;
  task_id: string;
  /** A sub-workflow's parent run and the step that started it. */
  parent_run_id: string | null;
  parent_step_key: string | null;
  created_by: string;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

/** The state of one step a run reached; a completed row is the step's memo. */
export interface WorkflowStepTable {
  run_id: string;
  /** Unique within the run: the step id, prefixed by its parents (`review[3].score`). */
  step_key: string;
  org_id: string;
  step_id: string;
  type: string;
  /** `running`, `waiting`, `completed`, `failed`, `skipped`. */
  status: string;
  attempts: number;
  output: string | null;
  error: string | null;
  /** A waiting step's timer (a `wait`'s end, an approval's timeout). */
  wake_at: number | null;
  started_at: number;
  updated_at: number;
  finished_at: number | null;
}

declare module './schema.js' {
  interface Schema {
    workflow: WorkflowTable;
    workflow_version: WorkflowVersionTable;
    workflow_run: WorkflowRunTable;
    workflow_step: WorkflowStepTable;
  }
}
