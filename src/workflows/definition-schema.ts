import { z } from 'zod';

/*
 * The workflow language (docs/workflows.md, decision 0031). A definition is a list of steps run in
 * order; a step has an `id` (unique in the definition), a `type` and the fields of that type.
 * Strings written `${ expression }` are JSONata expressions (expressions.ts); every other string is
 * literal. `if`, `items`, `when` and `until` are always expressions (the `${ }` is optional there).
 */

const stepId = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,62}$/, 'lowercase letters, digits, _ and -, starting with a letter')
  .describe('Unique within the definition; later steps read its output as $steps.<id>.output');
const expression = z.string().min(1).max(4000).describe('A JSONata expression');
/** Any JSON value whose strings may be `${ expression }` templates. */
const template = z.unknown().describe(`A value; strings written \${ expression } are evaluated`);
const jsonSchema = z
  .record(z.string(), z.unknown())
  .describe('A JSON Schema (draft 2020-12 or 07) for the value');

const retry = z
  .object({
    maxAttempts: z.number().int().min(1).max(20).default(3),
    backoffMs: z.number().int().min(0).max(600_000).default(1000),
    factor: z.number().min(1).max(10).default(2),
    maxBackoffMs: z.number().int().min(0).max(3_600_000).default(60_000),
  })
  .strict()
  .describe('Attempts of this step and the wait between them: backoffMs × factor^(attempt−1), capped');

const steps = (max: number) => z.array(step).max(max);

const common = {
  id: stepId,
  name: z.string().max(200).optional().describe('A label for people'),
  if: expression.optional().describe('Run the step only when this is true; otherwise it is skipped'),
  timeoutMs: z.number().int().min(1).max(86_400_000).optional().describe('Limit of one attempt'),
  retry: retry.optional(),
  onError: z
    .lazy(() => steps(100))
    .optional()
    .describe('Steps run when this step fails for good ($error holds the error); the run continues'),
};

const setStep = z
  .object({ ...common, type: z.literal('set'), values: z.record(z.string(), template) })
  .strict()
  .describe('Computes values; its output is the object of results');

const switchStep = z
  .object({
    ...common,
    type: z.literal('switch'),
    cases: z
      .array(z.object({ when: expression, steps: z.lazy(() => steps(100)) }).strict())
      .min(1)
      .max(50),
    default: z.lazy(() => steps(100)).optional(),
  })
  .strict()
  .describe('Runs the steps of the first case whose `when` is true, else `default`');

const parallelStep = z
  .object({
    ...common,
    type: z.literal('parallel'),
    branches: z
      .array(z.object({ id: stepId, steps: z.lazy(() => steps(100).min(1)) }).strict())
      .min(1)
      .max(50),
    join: z
      .union([z.enum(['all', 'any']), z.object({ n: z.number().int().min(1).max(50) }).strict()])
      .default('all')
      .describe('all: every branch; any: the first to finish; {n}: the first n (the rest are stopped)'),
  })
  .strict()
  .describe("Runs branches at once; the output maps each joined branch's id to its last output");

const mapStep = z
  .object({
    ...common,
    type: z.literal('map'),
    items: expression.describe('An expression giving the list ($item and $index in the steps)'),
    concurrency: z.number().int().min(1).max(100).default(10),
    maxItems: z.number().int().min(1).max(10_000).default(1000),
    steps: z.lazy(() => steps(100).min(1)),
  })
  .strict()
  .describe("Runs the steps once per item; the output is the list of each item's last output");

const waitStep = z
  .object({
    ...common,
    type: z.literal('wait'),
    durationMs: z.number().int().min(0).max(31_536_000_000).optional(),
    until: expression.optional().describe('An ISO time or epoch milliseconds'),
  })
  .strict()
  .describe('Waits for a duration or until a time, without holding a worker');

const approvalStep = z
  .object({
    ...common,
    type: z.literal('approval'),
    prompt: template.describe('What the approver is asked'),
    timeoutMs: z.number().int().min(1000).max(31_536_000_000).optional(),
    onTimeout: z.enum(['reject', 'approve']).default('reject'),
  })
  .strict()
  .describe('Waits for a person (POST /v1/workflow-runs/{id}/approvals/{step}); a rejection fails the step');

const workflowStep = z
  .object({
    ...common,
    type: z.literal('workflow'),
    workflow: z.string().min(1).max(200).describe('The name of the sub-workflow'),
    version: z.number().int().min(1).optional().describe('Default: the latest when the step starts'),
    input: template.optional(),
  })
  .strict()
  .describe("Runs another workflow as a child run; its output is the child's output");

const failStep = z
  .object({ ...common, type: z.literal('fail'), error: template.describe('The error message') })
  .strict()
  .describe('Ends the run as failed (an enclosing onError may catch it)');

const succeedStep = z
  .object({ ...common, type: z.literal('succeed'), output: template.optional() })
  .strict()
  .describe('Ends the run as succeeded with this output');

export const step: z.ZodType<Step> = z.lazy(() =>
  z.discriminatedUnion('type', [
    setStep,
    switchStep,
    parallelStep,
    mapStep,
    waitStep,
    approvalStep,
    workflowStep,
    failStep,
    succeedStep,
  ]),
);

export const workflowDefinition = z
  .object({
    $schema: z.string().max(500).optional(),
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_.-]{0,99}$/, 'lowercase letters, digits, ., _ and -')
      .describe('Unique per org; each apply of the same name is a new version'),
    description: z.string().max(2000).default(''),
    input: jsonSchema.optional().describe('JSON Schema the run input must match'),
    output: jsonSchema.optional().describe('JSON Schema the run output must match'),
    steps: z.array(step).min(1).max(500),
    result: template.optional().describe('The run output; default: the last step output'),
  })
  .strict();

interface CommonStep {
  id: string;
  name?: string | undefined;
  if?: string | undefined;
  timeoutMs?: number | undefined;
  retry?: z.output<typeof retry> | undefined;
  onError?: Step[] | undefined;
}

export type Step = CommonStep &
  (
    | { type: 'set'; values: Record<string, unknown> }
    | { type: 'switch'; cases: Array<{ when: string; steps: Step[] }>; default?: Step[] | undefined }
    | {
        type: 'parallel';
        branches: Array<{ id: string; steps: Step[] }>;
        join: 'all' | 'any' | { n: number };
      }
    | { type: 'map'; items: string; concurrency: number; maxItems: number; steps: Step[] }
    | { type: 'wait'; durationMs?: number | undefined; until?: string | undefined }
    | { type: 'approval'; prompt: unknown; onTimeout: 'reject' | 'approve' }
    | { type: 'workflow'; workflow: string; version?: number | undefined; input?: unknown }
    | { type: 'fail'; error: unknown }
    | { type: 'succeed'; output?: unknown }
  );

export type WorkflowDefinition = z.output<typeof workflowDefinition>;
export type StepType = Step['type'];
export type StepOf<T extends StepType> = Extract<Step, { type: T }>;

/** The JSON Schema of a definition, for editors (`/v1/workflows/schema.json`). */
export function workflowJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(workflowDefinition, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://colony.dev/schemas/workflow.json',
    title: 'Colony workflow definition',
  };
}
