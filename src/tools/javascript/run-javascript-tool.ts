import { z } from 'zod';
import type { ToolDefinition } from '../tool-definition.js';
import { runInSandbox, type SandboxLimits } from './quickjs-sandbox.js';

/** Limits of `run_javascript`: the `tools.javascript` slice of the configuration. */
export type JavaScriptToolConfig = SandboxLimits;

/** Longest script the model may send. */
export const maxScriptChars = 100_000;
/** Longest `input` the model may send, as JSON. */
export const maxScriptInputChars = 100_000;

const inputSchema = z.object({
  code: z
    .string()
    .min(1)
    .max(maxScriptChars)
    .describe(
      'JavaScript (ES2023) evaluated as a script; the value of its last expression is the result ' +
        '(a Promise is awaited). `input` holds the input value; `console.log` output is captured.',
    ),
  input: z
    .json()
    .optional()
    .refine((value) => JSON.stringify(value ?? null).length <= maxScriptInputChars, {
      message: `at most ${maxScriptInputChars} characters of JSON`,
    })
    .describe('Any JSON value, available to the script as `input`'),
});

export type RunJavaScriptInput = z.infer<typeof inputSchema>;

export interface RunJavaScriptOutput {
  /** The script's result as JSON (`undefined` becomes `null`); `null` when it failed. */
  result: unknown;
  /** The exception the script threw or the limit it hit; absent on success. */
  error?: string;
  /** Captured `console.*` output, cut with a truncation marker past the configured limit. */
  console: string;
  truncated: boolean;
}

/**
 * Creates `run_javascript`: evaluates a script in a fresh QuickJS/WebAssembly sandbox with time,
 * memory and output limits and no host access (see {@link runInSandbox}). A script error or a
 * limit is part of the output (`error`), with whatever it logged before, so the model can fix
 * its code.
 *
 * @example
 * await createRunJavaScriptTool(limits).execute({ code: 'input.map((n) => n * 2)', input: [1, 2] }, context);
 * // { result: [2, 4], console: '', truncated: false }
 */
export function createRunJavaScriptTool(
  config: JavaScriptToolConfig,
): ToolDefinition<RunJavaScriptInput, RunJavaScriptOutput> {
  return {
    name: 'run_javascript',
    description:
      'Runs JavaScript in an isolated sandbox (no network, files, timers or modules) and returns the value ' +
      `of its last expression as JSON, plus its console output. Limits: ${config.timeLimitMs} ms, ` +
      `${Math.round(config.memoryLimitBytes / 1024 / 1024)} MB.`,
    inputSchema,
    requiresApproval: () => false,
    isMutating: () => false,
    idempotent: true,
    async execute(input, context) {
      context.signal.throwIfAborted();
      const outcome = await runInSandbox(input.code, input.input ?? null, config);
      const output: RunJavaScriptOutput = {
        result: outcome.resultJson === null ? null : JSON.parse(outcome.resultJson),
        console: outcome.console,
        truncated: outcome.truncated,
      };
      if (outcome.error !== null) output.error = outcome.error;
      return output;
    },
  };
}
