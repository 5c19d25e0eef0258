import { z } from 'zod';
import { fromZodError } from '../errors/index.js';
import { maxMemoryContentChars } from '../kernel/index.js';
import { memoryTypes, scopeKinds } from './types.js';

export const maxContentLength = maxMemoryContentChars;
export const maxTags = 20;
export const maxTagLength = 64;
/** Items one import request may carry (`POST /v1/memories/import`). */
export const maxImportItems = 5000;

export const scopeSchema = z.object({
  kind: z.enum(scopeKinds),
  id: z.string().min(1).max(200),
});

export const tagsSchema = z.array(z.string().trim().min(1).max(maxTagLength)).max(maxTags);

/** Input of `addMemory` (and each item of `importMemories`). */
export const memoryInputSchema = z.object({
  scope: scopeSchema,
  type: z.enum(memoryTypes),
  content: z.string().trim().min(1).max(maxContentLength),
  importance: z.number().min(0).max(1).default(0.5),
  confidence: z.number().min(0).max(1).default(1),
  tags: tagsSchema.default([]),
  pinned: z.boolean().default(false),
  /** What the memory is about, for contradiction detection; derived from the content when absent. */
  subject: z.string().trim().min(1).max(200).nullable().optional(),
  sourceMessageIds: z.array(z.string().min(1).max(200)).max(100).default([]),
  runId: z.string().min(1).max(200).nullable().default(null),
  /** When what it describes happened (default: now, the time it is recorded). */
  occurredAt: z.number().int().nonnegative().optional(),
  validFrom: z.number().int().nonnegative().optional(),
  validTo: z.number().int().nonnegative().nullable().default(null),
});

export type MemoryInput = z.input<typeof memoryInputSchema>;

/** One item of a bulk import: a memory plus where it came from (kept in its log entry). */
export const importItemSchema = memoryInputSchema.extend({
  source: z.string().trim().min(1).max(200).optional(),
});

export type ImportItem = z.input<typeof importItemSchema>;
export type ParsedImportItem = z.output<typeof importItemSchema>;
export type ParsedMemoryInput = z.output<typeof memoryInputSchema>;

/** Parses with zod; a failure becomes `invalid_input` naming each offending field. */
export function parseInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  prefix = '',
): z.output<Schema> {
  const result = schema.safeParse(input);
  if (!result.success) throw fromZodError(result.error, prefix);
  return result.data;
}
