import type { z } from 'zod';
import type { Context } from '../context/index.js';
import { ColonyError, fromZodError } from '../errors/index.js';
import { cancelRun, getRun, type RunResumer, type RuntimeServices } from '../runtime/index.js';
import {
  askAgent,
  type ChatWatch,
  startTurn,
  type TurnContext,
  turnOutcome,
  watchChat,
} from '../turns/index.js';
import { cancelTaskParams, getTaskParams, type SendMessageParams, sendMessageParams } from './a2a-schemas.js';
import { type A2aTask, answerArtifactId, taskOf } from './a2a-task.js';

/** What the A2A methods need: the caller's context (org, role, signal) with the run services. */
export type A2aContext = TurnContext & Context<RuntimeServices & { runResumer: RunResumer }>;

/** Which agent an endpoint speaks for: one agent's card, or the org's (the message names one). */
export interface A2aTarget {
  agent?: string | undefined;
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw fromZodError(parsed.error);
  return parsed.data;
}

/** A task is a run: one that is not the caller's org's is `TaskNotFoundError`. */
async function runOf(context: A2aContext, taskId: string) {
  try {
    return await getRun(context, taskId);
  } catch (error) {
    if (error instanceof ColonyError && error.code === 'not_found') {
      throw new ColonyError('not_found', `task ${taskId} not found`, { taskId });
    }
    throw error;
  }
}

interface Turn {
  agent: string | undefined;
  chatId: string | undefined;
  content: string;
}

/** The chat turn a message asks for: its text, its chat (`contextId`, or the task's chat), its agent. */
async function turnOf(context: A2aContext, params: SendMessageParams, target: A2aTarget): Promise<Turn> {
  const { message } = params;
  if (message.role !== 'ROLE_USER') throw new ColonyError('invalid_input', 'message.role must be ROLE_USER');
  const content = message.parts
    .map((part) => part.text)
    .filter((text): text is string => typeof text === 'string')
    .join('\n');
  if (!content.trim()) {
    throw new ColonyError('unsupported_media_type', 'Colony agents read text parts; the message has none');
  }
  const chatId =
    message.contextId ?? (message.taskId ? (await runOf(context, message.taskId)).chatId : undefined);
  const named = message.metadata?.agent ?? params.metadata?.agent;
  const agent = target.agent ?? (typeof named === 'string' ? named : undefined);
  if (!agent && !chatId) {
    throw new ColonyError(
      'invalid_input',
      'name the agent in message.metadata.agent, continue a contextId, or use the agent’s own card (/a2a/agents/{agent}/)',
      { fields: [{ path: 'message.metadata.agent', message: 'required without contextId' }] },
    );
  }
  return { agent, chatId, content };
}

/** `SendMessage`: a chat turn; by default the task is returned once the run ends or waits. */
export async function sendMessage(context: A2aContext, raw: unknown, target: A2aTarget): Promise<A2aTask> {
  const params = parse(sendMessageParams, raw);
  const turn = await turnOf(context, params, target);
  const now = () => context.services.clock.now();
  if (params.configuration?.returnImmediately) {
    const started = await startTurn(context, turn);
    return taskOf(await turnOutcome(context, started.runId), started.chatId, now());
  }
  const asked = await askAgent(context, { agent: turn.agent, chatId: turn.chatId, message: turn.content });
  return taskOf(asked, asked.chatId, now());
}

/** `GetTask`: the run as a task. */
export async function getTask(context: A2aContext, raw: unknown): Promise<A2aTask> {
  const params = parse(getTaskParams, raw);
  const run = await runOf(context, params.id);
  return taskOf(await turnOutcome(context, run.id), run.chatId, context.services.clock.now());
}

/** `CancelTask`: cancels the run; a finished one cannot be (`TaskNotCancelableError`). */
export async function cancelTask(context: A2aContext, raw: unknown): Promise<A2aTask> {
  const params = parse(cancelTaskParams, raw);
  const run = await runOf(context, params.id);
  if (run.status === 'succeeded' || run.status === 'failed' || run.status === 'canceled') {
    throw new ColonyError('conflict', `task ${run.id} has already ended (${run.status})`);
  }
  await cancelRun(context, run.id, 'canceled by an A2A client');
  return taskOf(await turnOutcome(context, run.id), run.chatId, context.services.clock.now());
}

/** One `SendStreamingMessage` event: a `StreamResponse` (exactly one of its members). */
export type StreamEvent =
  | { task: A2aTask }
  | { statusUpdate: { taskId: string; contextId: string; status: A2aTask['status'] } }
  | {
      artifactUpdate: {
        taskId: string;
        contextId: string;
        artifact: { artifactId: string; name: string; parts: Array<{ text: string }> };
        append: boolean;
        lastChunk: boolean;
      };
    };

/**
 * `SendStreamingMessage`: the task as submitted, `WORKING` when the run starts, the agent's text
 * as it is written (chunks of the `answer` artifact), and the final status with the answer.
 * Validation and refusals happen before the first event, so they are JSON-RPC errors.
 */
export async function streamMessage(
  context: A2aContext,
  raw: unknown,
  target: A2aTarget,
): Promise<AsyncGenerator<StreamEvent>> {
  const params = parse(sendMessageParams, raw);
  const turn = await turnOf(context, params, target);
  let watch: ChatWatch | undefined;
  const subscribe = (chatId: string) => {
    watch?.close();
    watch = watchChat(context.services, context.actor.orgId, chatId);
    return watch;
  };
  let started: Awaited<ReturnType<typeof startTurn>>;
  try {
    started = await startTurn(context, turn, { beforeMessage: subscribe });
  } catch (error) {
    watch?.close();
    throw error;
  }
  const following = watch ?? subscribe(started.chatId);
  return events(context, following, started.runId, started.chatId);
}

async function* events(
  context: A2aContext,
  watch: ChatWatch,
  runId: string,
  chatId: string,
): AsyncGenerator<StreamEvent> {
  const now = () => context.services.clock.now();
  const status = (task: A2aTask) => ({
    statusUpdate: { taskId: runId, contextId: chatId, status: task.status },
  });
  try {
    yield { task: taskOf(await turnOutcome(context, runId), chatId, now()) };
    let chunks = 0;
    for await (const update of watch.follow(runId, { signal: context.signal })) {
      if (update.kind === 'text') {
        yield {
          artifactUpdate: {
            taskId: runId,
            contextId: chatId,
            artifact: { artifactId: answerArtifactId, name: 'answer', parts: [{ text: update.text }] },
            append: chunks++ > 0,
            lastChunk: false,
          },
        };
      } else if (update.kind === 'event' && update.event.type === 'run-started') {
        yield {
          statusUpdate: {
            taskId: runId,
            contextId: chatId,
            status: { state: 'TASK_STATE_WORKING', timestamp: new Date(now()).toISOString() },
          },
        };
      } else if (update.kind === 'event' && update.event.type === 'run-waiting') {
        const outcome = await turnOutcome(context, runId);
        if (outcome.status === 'waiting') {
          yield status(taskOf(outcome, chatId, now()));
          return;
        }
      }
    }
    if (context.signal.aborted) return;
    const final = taskOf(await turnOutcome(context, runId), chatId, now());
    if (chunks > 0) {
      yield {
        artifactUpdate: {
          taskId: runId,
          contextId: chatId,
          artifact: { artifactId: answerArtifactId, name: 'answer', parts: [{ text: '' }] },
          append: true,
          lastChunk: true,
        },
      };
    }
    yield status(final);
  } finally {
    watch.close();
  }
}
