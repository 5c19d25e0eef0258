import { z } from 'zod';
import { systemActor } from '../context/index.js';
import { ColonyError } from '../errors/index.js';
import { transact } from '../events/index.js';
import { maxDelegatedTaskChars } from '../kernel/index.js';
import { agentTaskResult, startAgentTask } from '../runtime/index.js';
import { parseJson, toJson } from '../storage/index.js';
import { type ToolContext, type ToolDefinition, type ToolWait, waitForResult } from '../tools/index.js';
import { agentByName } from './choose-agent.js';
import { type CollaborationServices, maxDelegationDepth } from './collaboration-services.js';
import { type HandoffNote, renderHandoff } from './handoff-note.js';

const delegateInput = z
  .object({
    task: z
      .string()
      .min(1)
      .max(maxDelegatedTaskChars)
      .describe('What the other agent should do, self-contained'),
    to: z.string().min(1).max(100).optional().describe('Agent name; omit to route by capability'),
    capability: z.string().min(1).max(200).optional().describe('Capability wanted, when no agent is named'),
    wait: z.boolean().default(true).describe('Wait for the result (default) or only start the work'),
    context: z.string().max(4000).optional().describe('What the other agent needs to know'),
    decisions: z.array(z.string().max(500)).max(20).optional(),
    nextSteps: z.array(z.string().max(500)).max(20).optional(),
  })
  .refine((input) => input.to !== undefined || input.capability !== undefined, {
    message: 'name an agent in "to" or a "capability"',
    path: ['to'],
  });

type DelegateInput = z.infer<typeof delegateInput>;
type DelegateOutput = ToolWait | { agent: string; childRunId: string; status: 'started' };

interface DelegationState {
  childRunId: string;
  agent: string;
}

async function depthOf(services: CollaborationServices, runId: string): Promise<number> {
  const row = await services.database.db
    .selectFrom('agent_handoff')
    .select('depth')
    .where('child_run_id', '=', runId)
    .executeTakeFirst();
  return row ? Number(row.depth) : 0;
}

/**
 * `delegate`: hands a sub-task to a named agent or to the best agent for a capability. The child
 * run is a durable child task; with `wait` the delegating run suspends (no worker held) and
 * resumes with the child's answer — at any nesting depth, across restarts. Re-executing the call
 * after a crash finds its handoff row instead of starting the work twice.
 */
export function createDelegateTool(
  services: CollaborationServices,
): ToolDefinition<DelegateInput, DelegateOutput> {
  return {
    name: 'delegate',
    description:
      'Delegate a sub-task to another agent (by name, or by capability) and get its answer. Include the context it needs.',
    inputSchema: delegateInput as unknown as z.ZodType<DelegateInput>,
    requiresApproval: () => false,
    idempotent: true,
    async execute(input, context) {
      const existing = await services.database.db
        .selectFrom('agent_handoff')
        .select(['child_run_id', 'to_agent_id', 'waited'])
        .where('parent_run_id', '=', context.runId)
        .where('tool_call_id', '=', context.toolCallId)
        .executeTakeFirst();
      if (existing)
        return outcome(
          { childRunId: existing.child_run_id, agent: existing.to_agent_id },
          Number(existing.waited) === 1,
        );
      const depth = (await depthOf(services, context.runId)) + 1;
      if (depth > maxDelegationDepth) {
        throw new ColonyError('invalid_input', `delegation may nest at most ${maxDelegationDepth} levels`);
      }
      const target = input.to
        ? {
            ...(await agentByName(services.database.db, context.orgId, input.to)),
            decisionId: null,
            method: 'named',
          }
        : await chooseByCapability(services, context, input);
      const from = await agentByName(services.database.db, context.orgId, context.agentId);
      const note: HandoffNote = {
        from: from.name,
        task: input.task,
        contextSummary: input.context ?? '',
        decisions: input.decisions ?? [],
        nextSteps: input.nextSteps ?? [],
      };
      const state = await transact(services, async (transaction, outbox) => {
        const joined = {
          services,
          actor: systemActor(context.orgId, context.agentId),
          signal: context.signal,
          unitOfWork: { transaction, outbox },
        };
        const child = await startAgentTask(joined, {
          orgId: context.orgId,
          agent: target.id,
          content: renderHandoff(note),
          title: `Delegated by ${from.name}: ${input.task.slice(0, 80)}`,
          parentTaskId: input.wait ? context.taskId : null,
          createdBy: context.createdBy ?? context.agentId,
        });
        const handoffId = services.ids.next('hof');
        await transaction
          .insertInto('agent_handoff')
          .values({
            id: handoffId,
            org_id: context.orgId,
            parent_run_id: context.runId,
            tool_call_id: context.toolCallId,
            from_agent_id: context.agentId,
            to_agent_id: target.id,
            child_run_id: child.runId,
            child_chat_id: child.chatId,
            depth,
            task: input.task,
            note: toJson(note),
            routing: toJson({
              method: target.method,
              decisionId: target.decisionId,
              capability: input.capability ?? null,
            }),
            waited: input.wait ? 1 : 0,
            created_at: services.clock.now(),
          })
          .execute();
        await outbox.emit({
          type: 'agent-handoff-created',
          orgId: context.orgId,
          runId: context.runId,
          conversationId: context.chatId,
          subjectId: handoffId,
          payload: { from: context.agentId, to: target.id, childRunId: child.runId, depth, wait: input.wait },
        });
        return { childRunId: child.runId, agent: target.id };
      });
      services.runs.afterCommit();
      return outcome(state, input.wait);
    },
    async resume(state) {
      const { childRunId, agent } = state as DelegationState;
      const result = await agentTaskResult(services, childRunId);
      if (!['succeeded', 'failed', 'canceled'].includes(result.status)) return { done: false };
      return {
        done: true,
        output: { agent, childRunId, status: result.status, answer: result.text, error: result.error },
      };
    },
  };
}

function outcome(state: DelegationState, wait: boolean): DelegateOutput {
  return wait
    ? waitForResult(`waiting for the delegated run ${state.childRunId}`, state)
    : { agent: state.agent, childRunId: state.childRunId, status: 'started' };
}

async function chooseByCapability(
  services: CollaborationServices,
  context: ToolContext,
  input: DelegateInput,
) {
  const capability = input.capability ?? '';
  const choice = await services.chooseAgent({
    orgId: context.orgId,
    capability,
    task: input.task,
    exclude: [context.agentId],
  });
  const agent = await agentByName(services.database.db, context.orgId, choice.agentId);
  return { ...agent, decisionId: choice.decisionId, method: choice.method };
}

/** The handoffs a run made, with their notes. */
export async function handoffsOf(services: CollaborationServices, runId: string) {
  const rows = await services.database.db
    .selectFrom('agent_handoff')
    .selectAll()
    .where('parent_run_id', '=', runId)
    .orderBy('created_at')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    toolCallId: row.tool_call_id,
    from: row.from_agent_id,
    to: row.to_agent_id,
    childRunId: row.child_run_id,
    depth: Number(row.depth),
    note: parseJson<HandoffNote>(row.note, {
      from: '',
      task: row.task,
      contextSummary: '',
      decisions: [],
      nextSteps: [],
    }),
  }));
}
