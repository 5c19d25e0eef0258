import { z } from 'zod';

/*
 * The closed catalog of stored event types: one entry per type, its payload's zod schema. An
 * emitter's payload is type-checked against its entry (`Outbox.emit`), the OpenAPI document's
 * `StoredEvent` is generated from it (http/event-schema.ts), and tests validate every event the
 * suites store against it. A new type: add its entry here (docs/extending.md, "A new event type").
 * Payloads are objects; fields a consumer may rely on are listed, and `z.object` keeps the
 * catalog open to extra fields added later without breaking readers.
 */

const none = z.object({});
const text = z.string();
const runStart = z.object({ model: text, offline: z.boolean() });
const runEnd = z.object({ error: text.optional() });
const toolCall = z.object({
  toolCallId: text,
  toolName: text.nullable(),
  input: z.unknown().optional(),
  output: z.unknown().optional(),
  error: text.optional(),
  attempts: z.number().optional(),
  reason: text.nullish(),
});
const taskEnd = z.object({
  kind: text.optional(),
  attempt: z.number().optional(),
  error: text.optional(),
  reason: text.optional(),
  dependencyId: text.optional(),
  rootId: text.optional(),
});
const missionId = { missionId: text };
const mission = (shape: z.ZodRawShape = {}) => z.object({ ...missionId, ...shape });
const missionTask = (shape: z.ZodRawShape = {}) => mission({ key: text, ...shape });
const workflowRun = (shape: z.ZodRawShape = {}) => z.object({ runId: text, workflow: text, ...shape });
const workflowStep = (shape: z.ZodRawShape = {}) =>
  workflowRun({ key: text, stepId: text, stepType: text, ...shape });
const memoryScope = { scopeKind: text, scopeId: text.nullable() };

export const eventCatalog = {
  'org-created': z.object({ name: text }),
  'api-key-created': z.object({ prefix: text }),
  'api-key-revoked': none,
  'agent-created': z.object({ name: text, version: z.number() }),
  'agent-updated': z.object({ version: z.number() }),
  'agent-deleted': none,
  'chat-created': z.object({ agentId: text, title: text.optional() }),
  'message-created': z.object({
    role: z.enum(['user', 'assistant']),
    seq: z.number(),
    content: text,
    messageId: text.optional(),
  }),
  'conversation-compacted': z.object({
    fromSeq: z.number(),
    toSeq: z.number(),
    summaryVersion: z.number(),
    memories: z.number(),
  }),
  'run-queued': z.object({
    model: text,
    offline: z.boolean(),
    triggerMessageId: text,
    parentTaskId: text.nullish(),
  }),
  'run-started': runStart,
  'run-resumed': runStart,
  'run-waiting': z.object({ reason: text }),
  'run-step-end': z.object({
    index: z.number(),
    kind: z.literal('model'),
    text,
    toolCalls: z.array(z.unknown()),
    finishReason: text,
    usage: z.object({ inputTokens: z.number(), outputTokens: z.number() }),
    costUsd: z.number(),
  }),
  'run-limit-exceeded': z.object({
    limit: z.enum([
      'maxSteps',
      'maxTokensPerRun',
      'maxCostUsdPerRun',
      'orgTokensPerMonth',
      'orgCostUsdPerMonth',
      'agentTokensPerMonth',
      'agentCostUsdPerMonth',
    ]),
    max: z.number(),
    used: z.number(),
  }),
  'run-succeeded': runEnd,
  'run-failed': runEnd,
  'run-canceled': z.object({ error: text.optional(), reason: text.optional() }),
  'mcp-server-created': z.object({ name: text, transport: z.enum(['stdio', 'http']) }),
  'mcp-server-updated': z.object({ name: text, version: z.number() }),
  'mcp-server-deleted': z.object({ name: text }),
  /** An MCP server was down, slow or answered garbage: the model got a tool error, the run went on. */
  'mcp-server-failed': z.object({ server: text, tool: text.optional(), error: text }),
  'secret-created': z.object({ name: text, version: z.number() }),
  'secret-rotated': z.object({ name: text, version: z.number() }),
  'secret-deleted': z.object({ name: text }),
  'secret-granted': z.object({ name: text, subject: z.enum(['agent', 'chat']), subjectId: text }),
  'secret-revoked': z.object({ name: text, subject: z.enum(['agent', 'chat']), subjectId: text }),
  /** A tool call used a secret (its name and version, never its value). */
  'secret-used': z.object({ name: text, version: z.number(), tool: text, runId: text, toolCallId: text }),
  'tool-call-started': toolCall,
  'tool-call-waiting': toolCall,
  'tool-call-approval-requested': toolCall,
  'tool-call-approved': toolCall,
  'tool-call-rejected': toolCall,
  /** An approval's TTL passed (`approvalTtlMs`): the call is rejected with `reason`. */
  'tool-call-approval-expired': toolCall.extend({ reason: text, expiresAt: z.number() }),
  'tool-call-end': toolCall,
  'task-retry-scheduled': z.object({
    kind: text,
    attempt: z.number(),
    error: text,
    runAt: z.number(),
    counted: z.boolean().optional(),
  }),
  'task-failed': taskEnd,
  'task-canceled': taskEnd,
  'task-suspended': z.object({ reason: text }),
  'agent-message-sent': z.object({ from: text, to: text, type: text, correlationId: text.nullable() }),
  'agent-handoff-created': z.object({
    from: text,
    to: text,
    childRunId: text,
    depth: z.number(),
    wait: z.boolean(),
  }),
  'memory-context-assembled': z.object({
    pinned: z.array(text),
    retrieved: z.array(z.object({ id: text, score: z.number() })),
    memoryTokens: z.number(),
    summaryVersion: z.number(),
    messageCursor: z.number(),
    windowMessages: z.number(),
    compacted: z.boolean(),
  }),
  'memory-created': z.object({ memoryId: text, ...memoryScope, type: text }),
  'memory-updated': z.object({ memoryId: text, reason: text.nullish() }),
  'memory-superseded': z.object({ memoryId: text, supersededBy: text, reason: text }),
  'memory-merged': z.object({ memoryId: text, mergedId: text }),
  'memory-deleted': z.object({ memoryId: text }),
  'memory-consolidated': z.object({
    ...memoryScope,
    merged: z.number(),
    decayed: z.number(),
    pruned: z.number(),
  }),
  'memories-imported': z.object({ count: z.number() }),
  'memories-reembedded': z.object({ model: z.string(), count: z.number(), remaining: z.number() }),
  'mission-created': mission({ goal: text, model: text }),
  'mission-planned': mission({
    generation: z.number(),
    method: text,
    plannerAttempts: z.number(),
    tasks: z.array(z.record(text, z.unknown())),
  }),
  'mission-replanned': mission({ generation: z.number(), reason: text }),
  'mission-aggregating': mission(),
  'mission-succeeded': mission({ method: text, tasks: z.number() }),
  'mission-failed': mission({ reason: text }),
  'mission-canceled': mission({ reason: text }),
  'mission-checkpoint-reached': mission({ name: text }),
  'mission-checkpoint-approved': mission({ name: text, by: text }),
  'mission-task-started': missionTask({
    attempt: z.number(),
    agents: z.array(text),
    runIds: z.array(text),
    handoffs: z.array(text),
  }),
  'mission-task-violation': missionTask({ attempt: z.number(), violations: z.array(text) }),
  'mission-task-succeeded': missionTask({ attempts: z.number() }),
  'mission-task-failed': missionTask({ error: text }),
  'mission-task-canceled': missionTask({ reason: text }),
  'workflow-run-started': workflowRun({ version: z.number(), parentRunId: text.nullable() }),
  'workflow-run-waiting': workflowRun({ reason: text }),
  'workflow-run-succeeded': workflowRun(),
  'workflow-run-failed': workflowRun({ error: text }),
  'workflow-run-canceled': workflowRun({ reason: text }),
  'workflow-step-started': workflowStep({ attempt: z.number() }),
  'workflow-step-completed': workflowStep({ attempt: z.number(), skipped: z.boolean() }),
  'workflow-step-waiting': workflowStep({ reason: text, wakeAt: z.number().nullable() }),
  'workflow-step-failed': workflowStep({ attempt: z.number(), error: text, retryAt: z.number().nullable() }),
  'workflow-approval-decided': workflowStep({ approved: z.boolean(), by: text }),
} satisfies Record<string, z.ZodType<Record<string, unknown>>>;

/** Every stored event type. */
export type EventType = keyof typeof eventCatalog;

/** The payload of events of type `T`. */
export type EventPayload<T extends EventType> = z.infer<(typeof eventCatalog)[T]>;

/** Every catalog type, in catalog order. */
export const eventTypes = Object.keys(eventCatalog) as EventType[];

/** True when `type` is in the catalog. */
export function isEventType(type: string): type is EventType {
  return Object.hasOwn(eventCatalog, type);
}

/**
 * Why a stored event does not match the catalog (an unknown type, or each payload issue with
 * its field); empty when it matches. Tests run it over every event their suites stored.
 */
export function catalogProblems(event: { type: string; payload: unknown }): string[] {
  if (!isEventType(event.type)) return [`${event.type}: not in the event catalog`];
  const parsed = eventCatalog[event.type].safeParse(event.payload);
  if (parsed.success) return [];
  return parsed.error.issues.map(
    (issue) => `${event.type}: payload.${issue.path.join('.') || '(root)'}: ${issue.message}`,
  );
}
