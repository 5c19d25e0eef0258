import { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { listAgents } from '../agents/index.js';
import type { Context } from '../context/index.js';
import { maxMemoryQueryChars, maxMissionGoalChars } from '../kernel/index.js';
import {
  addMemory,
  defaultWriteScope,
  type MemoryServices,
  maxContentLength,
  maxTagLength,
  maxTags,
  memoryTypes,
  parseSingleScope,
  searchMemories,
  searchScopes,
} from '../memory/index.js';
import { createMission, getMission, type OrchestrationContext } from '../orchestration/index.js';
import { askAgent, runFailure, type TurnContext } from '../turns/index.js';
import { asToolCall, toolResult } from './tool-result.js';

/** What the tools need: one authenticated caller's context (its org, role and signal). */
export type McpToolsContext = TurnContext & OrchestrationContext & Context<MemoryServices>;

/** The version of this tool surface (names, inputs, results), not of the Colony package. */
const toolSurfaceVersion = '1.0.0';

const id = z.string().min(1).max(200);
const scope = z
  .string()
  .min(1)
  .max(250)
  .describe('"org", "user:<id>", "agent:<id>" or "chat:<id>"; default your own scope');

/**
 * Colony as an MCP server for one caller: its tools call the same use cases as the HTTP API, so
 * the caller's org and role decide what they see and may do. A domain error (`not_found`,
 * `forbidden`, `invalid_input`…) is a tool error (`isError`) with the code in its text.
 */
export function createColonyMcpServer(context: McpToolsContext): McpServer {
  const server = new McpServer(
    { name: 'colony', version: toolSurfaceVersion },
    { instructions: 'Colony: ask its agents, start missions and use its memory.' },
  );
  const logger = context.services.logger;
  const tool = <Shape extends z.ZodRawShape>(
    name: string,
    description: string,
    shape: Shape,
    run: (input: z.infer<z.ZodObject<Shape>>) => Promise<ReturnType<typeof toolResult>>,
    annotations: { readOnlyHint?: boolean } = {},
  ) =>
    server.registerTool(name, { description, inputSchema: z.object(shape).strict(), annotations }, (input) =>
      asToolCall(logger, name, () => run(input as z.infer<z.ZodObject<Shape>>)),
    );

  tool(
    'list_agents',
    "Lists the org's agents: their ids, names and descriptions.",
    {
      limit: z.number().int().min(1).max(200).optional().describe('at most this many (default 50)'),
      after: id.optional().describe('the nextCursor of the previous page'),
    },
    async (input) => {
      const page = await listAgents(context, { limit: input.limit, after: input.after });
      const agents = page.agents.map((agent) => ({
        id: agent.id,
        name: agent.name,
        description: agent.description,
      }));
      const text = agents.map((agent) => `${agent.name} (${agent.id}): ${agent.description}`).join('\n');
      return toolResult(text || 'no agents', { agents, nextCursor: page.nextCursor });
    },
    { readOnlyHint: true },
  );

  tool(
    'ask_agent',
    'Sends a message to an agent and waits for its answer (one chat turn; the agent may use its tools). Pass chatId to continue a conversation.',
    {
      agent: z.string().min(1).max(200).optional().describe('agent name or id; optional with chatId'),
      message: z.string().min(1).max(100_000).describe('what to ask'),
      chatId: id.optional().describe('continue this chat (from an earlier answer)'),
    },
    async (input) => {
      const asked = await askAgent(context, {
        agent: input.agent,
        chatId: input.chatId,
        message: input.message,
      });
      const facts = {
        chatId: asked.chatId,
        runId: asked.runId,
        agent: asked.agentName,
        status: asked.status,
        answer: asked.text,
        approvals: asked.approvals,
      };
      if (asked.status === 'failed' || asked.status === 'canceled') throw runFailure(asked);
      if (asked.status === 'waiting') {
        const calls = asked.approvals.map((approval) => approval.toolName).join(', ');
        return toolResult(
          `The agent waits for a human decision on ${calls || 'a tool call'} (run ${asked.runId}, chat ${asked.chatId}); the answer arrives in the chat after approval.`,
          facts,
        );
      }
      return toolResult(asked.text, facts);
    },
  );

  tool(
    'start_mission',
    'Starts a mission: a goal that Colony plans into tasks for its agents. Returns at once with the mission id; read progress with get_mission.',
    {
      goal: z.string().min(1).max(maxMissionGoalChars).describe('what the mission must achieve'),
      agents: z.array(z.string().min(1).max(64)).min(1).max(100).optional().describe('agents allowed'),
    },
    async (input) => {
      const mission = await createMission(context, { goal: input.goal, agents: input.agents });
      return toolResult(`Mission ${mission.id} started (${mission.state}).`, {
        missionId: mission.id,
        state: mission.state,
      });
    },
  );

  tool(
    'get_mission',
    "Reads a mission's state, its tasks and, when done, its report.",
    { missionId: id },
    async (input) => {
      const board = await getMission(context, input.missionId);
      const tasks = board.tasks.map((task) => ({ id: task.id, title: task.title, status: task.status }));
      const lines = [
        `Mission ${board.id}: ${board.state}`,
        ...tasks.map((task) => `- ${task.title}: ${task.status}`),
      ];
      if (board.report) lines.push('', board.report);
      if (board.error) lines.push('', `error: ${board.error}`);
      return toolResult(lines.join('\n'), {
        missionId: board.id,
        goal: board.goal,
        state: board.state,
        progress: board.progress,
        tasks,
        report: board.report,
        error: board.error,
      });
    },
    { readOnlyHint: true },
  );

  tool(
    'search_memory',
    "Searches Colony's memory; each hit has its content, type and score.",
    {
      query: z.string().min(1).max(maxMemoryQueryChars),
      scope: scope.optional(),
      limit: z.number().int().min(1).max(100).optional(),
    },
    async (input) => {
      const hits = await searchMemories(context, {
        query: input.query,
        scopes: await searchScopes(context, input.scope),
        ...(input.limit ? { limit: input.limit } : {}),
      });
      const found = hits.map((hit) => ({
        id: hit.memory.id,
        type: hit.memory.type,
        content: hit.memory.content,
        score: hit.score,
      }));
      const text = found.map((hit) => `- ${hit.content} (${hit.type}, ${hit.id})`).join('\n');
      return toolResult(text || 'nothing found', { hits: found });
    },
    { readOnlyHint: true },
  );

  tool(
    'add_memory',
    'Stores a memory (a fact, preference, event…); duplicates are folded into the existing one.',
    {
      content: z.string().min(1).max(maxContentLength),
      type: z.enum(memoryTypes).default('semantic'),
      scope: scope.optional(),
      tags: z.array(z.string().min(1).max(maxTagLength)).max(maxTags).optional(),
      importance: z.number().min(0).max(1).optional(),
    },
    async (input) => {
      const written = await addMemory(context, {
        content: input.content,
        type: input.type,
        scope: input.scope ? parseSingleScope(context.actor, input.scope) : defaultWriteScope(context.actor),
        ...(input.tags ? { tags: input.tags } : {}),
        ...(input.importance === undefined ? {} : { importance: input.importance }),
      });
      return toolResult(`Memory ${written.memory.id} ${written.action}.`, {
        memoryId: written.memory.id,
        action: written.action,
      });
    },
  );
  return server;
}
