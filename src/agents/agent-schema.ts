import { z } from 'zod';

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

/** The editable definition of an agent; every edit creates a new version. */
export const agentDefinitionSchema = z
  .object({
    description: z.string().max(2000).default(''),
    instructions: z.string().max(32_000).default('You are a helpful assistant.'),
    model: z
      .string()
      .max(200)
      .regex(/^[a-z0-9-]+:.+$/, 'use "provider:model", for example "openai:gpt-4o-mini" or "offline:echo"')
      .nullable()
      .default(null),
    tools: z.array(z.string().min(1).max(64)).max(32).default([]),
    capabilities: capabilitiesSchema.default({ text: '', tags: [] }),
    memoryPolicy: memoryPolicySchema.default({ enabled: true, extract: true, retrieveLimit: 8 }),
    limits: limitsSchema.default({}),
  })
  .strict();

export const createAgentInput = agentDefinitionSchema.extend({ name: agentName }).strict();
export const updateAgentInput = agentDefinitionSchema
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
