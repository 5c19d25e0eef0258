import { z } from 'zod';
import { type Services, systemActor } from '../context/index.js';
import { notFound } from '../errors/index.js';
import { maxMemoryQueryChars } from '../kernel/index.js';
import type { ToolContext, ToolDefinition } from '../tools/index.js';
import { addMemory, deleteMemory, getMemory, updateMemory } from './memories.js';
import { maxContentLength, tagsSchema } from './memory-input.js';
import type { MemoryContext, MemoryRuntime } from './runtime.js';
import { scopesForTurn } from './scopes.js';
import { searchMemories } from './search.js';
import { type MemoryScope, memoryTypes } from './types.js';
import { recordUse } from './usage.js';

/** Who a tool call acts for: the run's agent, chat and (when known) user. */
export interface MemoryToolScope {
  agentId: string;
  conversationId: string;
  userId: string | null;
}

/**
 * The default resolver: the agent and chat come from the tool context; the user is the author of
 * the run's trigger message when that author is a user (an API key carrying a user id).
 */
export async function resolveScopeFromRun(
  services: Services,
  toolContext: ToolContext,
): Promise<MemoryToolScope> {
  const trigger = await services.database.db
    .selectFrom('run')
    .innerJoin('message', 'message.id', 'run.trigger_message_id')
    .select(['message.author_kind', 'message.author_id'])
    .where('run.id', '=', toolContext.runId)
    .where('run.org_id', '=', toolContext.orgId)
    .executeTakeFirst();
  if (!trigger) throw notFound('run', toolContext.runId);
  return {
    agentId: toolContext.agentId,
    conversationId: toolContext.chatId,
    userId: trigger.author_kind === 'user' ? trigger.author_id : null,
  };
}

const writableKinds = ['user', 'chat', 'agent'] as const;

const rememberSchema = z.object({
  content: z
    .string()
    .trim()
    .min(1)
    .max(maxContentLength)
    .describe('One self-contained fact, preference, goal or lesson'),
  type: z.enum(memoryTypes).exclude(['episodic', 'reflection']).default('semantic'),
  importance: z.number().min(0).max(1).default(0.6),
  tags: tagsSchema.default([]),
  scope: z
    .enum(writableKinds)
    .default('user')
    .describe(
      'user: about the user (when the caller is not a user: the chat, or the agent if so configured); chat: this conversation; agent: this agent',
    ),
});
const recallSchema = z.object({
  query: z.string().trim().min(1).max(maxMemoryQueryChars),
  types: z.array(z.enum(memoryTypes)).optional(),
  limit: z.number().int().min(1).max(20).default(5),
});
const forgetSchema = z.object({
  memoryId: z.string().min(1).max(200),
  reason: z.string().max(500).optional(),
});
const updateSchema = z.object({
  memoryId: z.string().min(1).max(200),
  content: z.string().trim().min(1).max(maxContentLength).optional(),
  importance: z.number().min(0).max(1).optional(),
  pinned: z.boolean().optional(),
  reason: z.string().max(500).optional(),
});

export interface MemoryTools {
  remember: ToolDefinition<z.input<typeof rememberSchema>, { memoryId: string; action: string }>;
  recall: ToolDefinition<
    z.input<typeof recallSchema>,
    { memories: Array<{ id: string; type: string; content: string; score: number; why: string }> }
  >;
  forget: ToolDefinition<z.input<typeof forgetSchema>, { memoryId: string; forgotten: boolean }>;
  update_memory: ToolDefinition<z.input<typeof updateSchema>, { memoryId: string; action: string }>;
}

/**
 * The agent-facing memory tools. They act as Colony (`system` actor) on behalf of the run, and only
 * inside the run's own scopes: org, the agent, the chat and the run's user.
 *
 * @example
 * const tools = createMemoryTools(services);
 * registry.register(tools.remember, tools.recall, tools.forget, tools.update_memory);
 */
export function createMemoryTools(
  services: Services & { memory?: MemoryRuntime },
  resolve: (services: Services, toolContext: ToolContext) => Promise<MemoryToolScope> = resolveScopeFromRun,
  options: { anonymousScope?: 'chat' | 'agent' } = {},
): MemoryTools {
  async function setup(
    toolContext: ToolContext,
  ): Promise<{ context: MemoryContext; scope: MemoryToolScope; scopes: MemoryScope[] }> {
    const scope = await resolve(services, toolContext);
    const context: MemoryContext = {
      services,
      actor: systemActor(toolContext.orgId),
      signal: toolContext.signal,
    };
    return { context, scope, scopes: scopesForTurn({ orgId: toolContext.orgId, ...scope }) };
  }
  async function ownMemory(toolContext: ToolContext, memoryId: string) {
    const { context, scopes } = await setup(toolContext);
    const memory = await getMemory(context, memoryId);
    if (!scopes.some((scope) => scope.kind === memory.scope.kind && scope.id === memory.scope.id)) {
      throw notFound('memory', memoryId);
    }
    return { context, memory };
  }
  return {
    remember: {
      name: 'remember',
      description: 'Store a durable memory (fact, preference, goal, lesson) for later conversations.',
      inputSchema: rememberSchema,
      requiresApproval: () => false,
      idempotent: true,
      async execute(input, toolContext) {
        const parsed = rememberSchema.parse(input);
        const { context, scope } = await setup(toolContext);
        const id =
          parsed.scope === 'user'
            ? scope.userId
            : parsed.scope === 'chat'
              ? scope.conversationId
              : scope.agentId;
        const target: MemoryScope = id
          ? { kind: parsed.scope, id }
          : options.anonymousScope === 'agent'
            ? { kind: 'agent', id: scope.agentId }
            : { kind: 'chat', id: scope.conversationId };
        const result = await addMemory(context, {
          scope: target,
          type: parsed.type,
          content: parsed.content,
          importance: parsed.importance,
          tags: parsed.tags,
          runId: toolContext.runId,
        });
        return { memoryId: result.memory.id, action: result.action };
      },
    },
    recall: {
      name: 'recall',
      description: 'Search long-term memory; each result says why it was recalled.',
      inputSchema: recallSchema,
      requiresApproval: () => false,
      idempotent: true,
      async execute(input, toolContext) {
        const parsed = recallSchema.parse(input);
        const { context, scopes } = await setup(toolContext);
        const hits = await searchMemories(context, {
          query: parsed.query,
          scopes,
          types: parsed.types,
          limit: parsed.limit,
        });
        recordUse(
          context,
          hits.map((hit) => hit.memory),
        );
        return {
          memories: hits.map((hit) => ({
            id: hit.memory.id,
            type: hit.memory.type,
            content: hit.memory.content,
            score: Number(hit.score.toFixed(3)),
            why: hit.why,
          })),
        };
      },
    },
    forget: {
      name: 'forget',
      description: 'Forget a memory by id (soft delete: it leaves recall, its history is kept).',
      inputSchema: forgetSchema,
      requiresApproval: () => false,
      idempotent: true,
      async execute(input, toolContext) {
        const parsed = forgetSchema.parse(input);
        const { context } = await ownMemory(toolContext, parsed.memoryId);
        await deleteMemory(context, parsed.memoryId, { reason: parsed.reason ?? 'forgotten by the agent' });
        return { memoryId: parsed.memoryId, forgotten: true };
      },
    },
    update_memory: {
      name: 'update_memory',
      description: 'Correct a memory: new content supersedes the old record (kept in history).',
      inputSchema: updateSchema,
      requiresApproval: () => false,
      idempotent: false,
      async execute(input, toolContext) {
        const parsed = updateSchema.parse(input);
        const { context } = await ownMemory(toolContext, parsed.memoryId);
        const { memoryId, ...patch } = parsed;
        const result = await updateMemory(context, memoryId, {
          ...patch,
          reason: patch.reason ?? 'corrected by the agent',
        });
        return { memoryId: result.memory.id, action: result.action };
      },
    },
  };
}
