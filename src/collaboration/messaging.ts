import { z } from 'zod';
import { type Actor, type Context, requireRole, systemActor } from '../context/index.js';
import { fromZodError } from '../errors/index.js';
import { transact, type UnitOfWorkGuard } from '../events/index.js';
import { recordAudit } from '../identity/index.js';
import { maxAgentMessageChars } from '../kernel/index.js';
import { startAgentTask } from '../runtime/index.js';
import type { Row } from '../storage/index.js';
import { parseJson, toJson } from '../storage/index.js';
import { agentByName } from './choose-agent.js';
import type { CollaborationServices } from './collaboration-services.js';

export const sendMessageInput = z
  .object({
    id: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Client-chosen id: sending the same id again is a no-op'),
    type: z.string().min(1).max(64).default('message'),
    content: z.string().min(1).max(maxAgentMessageChars),
    data: z.record(z.string(), z.unknown()).optional(),
    correlationId: z.string().min(1).max(200).optional(),
    trigger: z.boolean().default(true).describe('Start a run of the recipient with this message'),
  })
  .strict();

export type SendMessageInput = z.input<typeof sendMessageInput>;

export interface AgentMessage {
  id: string;
  sender: { kind: string; id: string };
  recipientAgentId: string;
  type: string;
  content: string;
  data: Record<string, unknown>;
  correlationId: string | null;
  status: 'stored' | 'delivered';
  triggeredRunId: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

function toAgentMessage(row: Row<'agent_message'>): AgentMessage {
  const payload = parseJson<{ content?: string; data?: Record<string, unknown> }>(row.payload, {});
  return {
    id: row.id,
    sender: { kind: row.sender_kind, id: row.sender_id },
    recipientAgentId: row.recipient_agent_id,
    type: row.type,
    content: payload.content ?? '',
    data: payload.data ?? {},
    correlationId: row.correlation_id,
    status: row.status as AgentMessage['status'],
    triggeredRunId: row.triggered_run_id,
    createdAt: Number(row.created_at),
    deliveredAt: row.delivered_at === null ? null : Number(row.delivered_at),
  };
}

/**
 * Stores a message for an agent and, unless `trigger` is false, starts the recipient's run with
 * it — in one transaction, so delivery is durable (at least once). Messages are deduplicated by
 * id: sending an id again returns the first message and starts nothing. `guard` (a request's
 * `Idempotency-Key` record) commits with the message. With `actor` (an operator's call) the
 * message's audit row commits with it too; without, the send is the system's on behalf of the
 * sender.
 */
export async function sendAgentMessage(
  services: CollaborationServices,
  sender: { orgId: string; kind: 'agent' | 'api_key' | 'user' | 'system'; id: string; name: string },
  recipient: string,
  input: SendMessageInput,
  options: {
    parentTaskId?: string | null;
    guard?: UnitOfWorkGuard | undefined;
    actor?: Actor;
    signal?: AbortSignal;
  } = {},
): Promise<{ message: AgentMessage; duplicate: boolean }> {
  const parsed = sendMessageInput.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  const target = await agentByName(services.database.db, sender.orgId, recipient);
  const id = parsed.data.id ?? services.ids.next('amsg');
  const result = await transact(
    services,
    async (transaction, outbox) => {
      const now = services.clock.now();
      const inserted = await transaction
        .insertInto('agent_message')
        .values({
          id,
          org_id: sender.orgId,
          sender_kind: sender.kind,
          sender_id: sender.id,
          recipient_agent_id: target.id,
          type: parsed.data.type,
          payload: toJson({ content: parsed.data.content, data: parsed.data.data ?? {} }),
          correlation_id: parsed.data.correlationId ?? null,
          status: 'stored',
          triggered_run_id: null,
          created_at: now,
          delivered_at: null,
        })
        .onConflict((conflict) => conflict.columns(['org_id', 'id']).doNothing())
        .executeTakeFirst();
      const stored = async (duplicate: boolean) => {
        const row = await transaction
          .selectFrom('agent_message')
          .selectAll()
          .where('org_id', '=', sender.orgId)
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        return { message: toAgentMessage(row), duplicate };
      };
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return stored(true);
      if (parsed.data.trigger) {
        const header = `Message from ${sender.kind} "${sender.name}" (type: ${parsed.data.type}${parsed.data.correlationId ? `, correlation: ${parsed.data.correlationId}` : ''}):`;
        const joined = {
          services,
          actor: options.actor ?? systemActor(sender.orgId, sender.id),
          signal: options.signal ?? new AbortController().signal,
          unitOfWork: { transaction, outbox },
        };
        const run = await startAgentTask(joined, {
          orgId: sender.orgId,
          agent: target.id,
          content: `${header}\n${parsed.data.content}`,
          title: `Message from ${sender.name}`,
          parentTaskId: options.parentTaskId ?? null,
          createdBy: sender.id,
        });
        await transaction
          .updateTable('agent_message')
          .set({ status: 'delivered', triggered_run_id: run.runId, delivered_at: now })
          .where('org_id', '=', sender.orgId)
          .where('id', '=', id)
          .execute();
      }
      if (options.actor) {
        await recordAudit(transaction, services, options.actor, {
          action: 'agent-message.send',
          resourceType: 'agent_message',
          resourceId: id,
        });
      }
      await outbox.emit({
        type: 'agent-message-sent',
        orgId: sender.orgId,
        subjectId: id,
        payload: {
          from: sender.id,
          to: target.id,
          type: parsed.data.type,
          correlationId: parsed.data.correlationId ?? null,
        },
      });
      return stored(false);
    },
    options.guard,
  );
  services.runs.afterCommit();
  return result;
}

/** An agent's inbox, newest last, paged by creation time. */
export async function listInbox(
  services: CollaborationServices,
  orgId: string,
  agent: string,
  options: {
    after?: number | undefined;
    limit?: number | undefined;
    correlationId?: string | undefined;
  } = {},
): Promise<AgentMessage[]> {
  const target = await agentByName(services.database.db, orgId, agent);
  let query = services.database.db
    .selectFrom('agent_message')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('recipient_agent_id', '=', target.id)
    .where('created_at', '>', options.after ?? 0);
  if (options.correlationId) query = query.where('correlation_id', '=', options.correlationId);
  const rows = await query
    .orderBy('created_at')
    .orderBy('id')
    .limit(Math.min(Math.max(options.limit ?? 50, 1), 200))
    .execute();
  return rows.map(toAgentMessage);
}

/** `POST /v1/agents/:id/messages`: an operator (or service) messages an agent. */
export async function sendMessageAsCaller(
  context: Context<CollaborationServices>,
  agent: string,
  input: SendMessageInput,
): Promise<{ message: AgentMessage; duplicate: boolean }> {
  requireRole(context.actor, 'member');
  return sendAgentMessage(
    context.services,
    { orgId: context.actor.orgId, kind: context.actor.kind, id: context.actor.id, name: context.actor.id },
    agent,
    input,
    { guard: context.idempotency, actor: context.actor, signal: context.signal },
  );
}
