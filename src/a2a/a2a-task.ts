import type { TurnOutcome } from '../turns/index.js';

/** A2A 1.0 task states (protobuf JSON enum names). */
export type TaskState =
  | 'TASK_STATE_SUBMITTED'
  | 'TASK_STATE_WORKING'
  | 'TASK_STATE_COMPLETED'
  | 'TASK_STATE_FAILED'
  | 'TASK_STATE_CANCELED'
  | 'TASK_STATE_INPUT_REQUIRED';

export interface A2aPart {
  text: string;
}

export interface A2aMessage {
  messageId: string;
  role: 'ROLE_USER' | 'ROLE_AGENT';
  parts: A2aPart[];
  contextId: string;
  taskId: string;
}

export interface A2aArtifact {
  artifactId: string;
  name: string;
  parts: A2aPart[];
}

export interface A2aTaskStatus {
  state: TaskState;
  message?: A2aMessage;
  timestamp: string;
}

/** An A2A task: one Colony run (`id`) in its chat (`contextId`). */
export interface A2aTask {
  id: string;
  contextId: string;
  status: A2aTaskStatus;
  artifacts: A2aArtifact[];
  history: A2aMessage[];
  metadata: {
    colony: { runId: string; chatId: string; status: TurnOutcome['status']; approvals: unknown[] };
  };
}

const states: Record<TurnOutcome['status'], TaskState> = {
  queued: 'TASK_STATE_SUBMITTED',
  running: 'TASK_STATE_WORKING',
  waiting: 'TASK_STATE_INPUT_REQUIRED',
  succeeded: 'TASK_STATE_COMPLETED',
  failed: 'TASK_STATE_FAILED',
  canceled: 'TASK_STATE_CANCELED',
};

export const answerArtifactId = 'answer';

/** The agent's message for the task's status: its answer, why it failed, or what it waits for. */
function statusText(outcome: TurnOutcome): string {
  if (outcome.status === 'succeeded') return outcome.text;
  if (outcome.status === 'failed') return `The run failed: ${outcome.error ?? 'unknown error'}`;
  if (outcome.status === 'canceled') return 'The run was canceled.';
  if (outcome.status === 'waiting') {
    const calls = outcome.approvals.map((approval) => approval.toolName).join(', ') || 'a tool call';
    return `Waiting for a Colony user to approve ${calls} (POST /v1/runs/${outcome.runId}/approvals).`;
  }
  return '';
}

export function agentMessage(text: string, runId: string, chatId: string): A2aMessage {
  return {
    messageId: `${runId}-status`,
    role: 'ROLE_AGENT',
    parts: [{ text }],
    contextId: chatId,
    taskId: runId,
  };
}

/** Where a run stands, as an A2A task; `at` is the time of the status (epoch ms). */
export function taskOf(outcome: TurnOutcome, chatId: string, at: number): A2aTask {
  const text = statusText(outcome);
  return {
    id: outcome.runId,
    contextId: chatId,
    status: {
      state: states[outcome.status],
      ...(text ? { message: agentMessage(text, outcome.runId, chatId) } : {}),
      timestamp: new Date(at).toISOString(),
    },
    artifacts:
      outcome.status === 'succeeded'
        ? [{ artifactId: answerArtifactId, name: 'answer', parts: [{ text: outcome.text }] }]
        : [],
    history: [],
    metadata: {
      colony: { runId: outcome.runId, chatId, status: outcome.status, approvals: outcome.approvals },
    },
  };
}

export function isFinal(state: TaskState): boolean {
  return state === 'TASK_STATE_COMPLETED' || state === 'TASK_STATE_FAILED' || state === 'TASK_STATE_CANCELED';
}
