import { z } from 'zod';
import { agentApprovalsSchema, httpEndpointsSchema } from '../tools/index.js';

export const agentName = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
    'use letters, digits, "_", "." and "-", starting with a letter or digit',
  );

export const capabilitiesSchema = z
  .object({
    text: z.string().max(2000).default(''),
    tags: z.array(z.string().trim().min(1).max(64)).max(32).default([]),
  })
  .strict();

export const limitsSchema = z
  .object({
    maxSteps: z.number().int().min(1).max(200).optional(),
    maxOutputTokens: z.number().int().min(1).max(1_000_000).optional(),
    maxTokensPerRun: z.number().int().min(1).optional(),
    maxCostUsdPerRun: z.number().min(0).optional(),
  })
  .strict();

export const memoryPolicySchema = z
  .object({
    enabled: z.boolean().default(true),
    extract: z.boolean().default(true),
    retrieveLimit: z.number().int().min(0).max(50).default(8),
    weights: z.record(z.string(), z.number().min(0).max(10)).optional(),
  })
  .strict();

/** The fields of an agent's definition, without defaults (an edit changes only what it names). */
const definitionFields = {
  description: z.string().max(2000),
  instructions: z.string().max(32_000),
  model: z
    .string()
    .max(200)
    .regex(/^[a-z0-9-]+:.+$/, 'use "provider:model", for example "openai:gpt-4o-mini" or "offline:echo"')
    .nullable(),
  tools: z.array(z.string().min(1).max(160)).max(32),
  capabilities: capabilitiesSchema,
  memoryPolicy: memoryPolicySchema,
  limits: limitsSchema,
  endpoints: httpEndpointsSchema.describe('Named HTTP endpoints `http_request` may call (docs/tools.md)'),
  approvals: agentApprovalsSchema.describe('When tool calls wait for a human (docs/tools.md)'),
};

/** The editable definition of an agent; every edit creates a new version. */
export const agentDefinitionSchema = z
  .object({
    description: definitionFields.description.default(''),
    instructions: definitionFields.instructions.default('You are a helpful assistant.'),
    model: definitionFields.model.default(null),
    tools: definitionFields.tools.default([]),
    capabilities: definitionFields.capabilities.default({ text: '', tags: [] }),
    memoryPolicy: definitionFields.memoryPolicy.default({ enabled: true, extract: true, retrieveLimit: 8 }),
    limits: definitionFields.limits.default({}),
    endpoints: definitionFields.endpoints.default({}),
    approvals: definitionFields.approvals.default({ tools: {} }),
  })
  .strict();

export const createAgentInput = agentDefinitionSchema.extend({ name: agentName }).strict();
/**
 * An edit: the fields it names replace the current version's, the rest carry over. Built from
 * the fields without defaults: zod 4 applies a default inside `.partial()`, which would reset
 * every field an edit leaves out.
 */
export const updateAgentInput = z
  .object(definitionFields)
  .partial()
  .extend({ name: agentName.optional() })
  .strict();

export type AgentDefinition = z.infer<typeof agentDefinitionSchema>;
export type CreateAgentInput = z.input<typeof createAgentInput>;
export type UpdateAgentInput = z.input<typeof updateAgentInput>;

export interface Agent extends AgentDefinition {
  id: string;
  orgId: string;
  name: string;
  version: number;
  createdAt: number;
  updatedAt: number;
}
