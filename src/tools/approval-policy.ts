import { z } from 'zod';
import type { ToolDefinition } from './tool-definition.js';

/**
 * When a tool call waits for a human: `always`, `never`, or `mutating` (only calls that change
 * something outside the run, as the tool tells: an HTTP POST, PUT, PATCH or DELETE).
 */
export const approvalPolicySchema = z.enum(['always', 'never', 'mutating']);
export type ApprovalPolicy = z.infer<typeof approvalPolicySchema>;

/** An agent's approval policies: one per tool, and a default for its other tools. */
export const agentApprovalsSchema = z
  .object({
    default: approvalPolicySchema
      .optional()
      .describe("For this agent's tools without their own policy; each tool's own default when omitted"),
    tools: z
      .record(z.string().min(1).max(64), approvalPolicySchema)
      .refine((tools) => Object.keys(tools).length <= 64, 'at most 64 tool policies')
      .default({}),
  })
  .strict();
export type AgentApprovals = z.infer<typeof agentApprovalsSchema>;

/**
 * True when this call of `tool` must wait for a human: the agent's policy for the tool, else the
 * agent's default, else the tool's own answer (`requiresApproval`, which follows the server's
 * configuration, e.g. `tools.http.approval`).
 *
 * @example
 * needsApproval(httpTool, { endpoint: 'crm', method: 'POST' }, { tools: { http_request: 'mutating' } }); // true
 */
export function needsApproval<Input>(
  tool: ToolDefinition<Input, unknown>,
  input: Input,
  approvals: AgentApprovals | undefined,
): boolean {
  const policy = approvals?.tools[tool.name] ?? approvals?.default;
  if (policy === undefined) return tool.requiresApproval(input);
  if (policy === 'mutating') return tool.isMutating?.(input) ?? true;
  return policy === 'always';
}
