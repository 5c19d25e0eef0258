import type { Chat, ColonyClient, RunStreamEvent } from '../client/index.js';
import { coerceError } from '../errors/index.js';
import type { LineReader } from './line-reader.js';
import { brief, type CliIo } from './output.js';
import { createSpinner } from './spinner.js';

export interface ChatReplOptions {
  client: ColonyClient;
  chat: Chat;
  agentName: string;
  reader: LineReader;
  io: CliIo;
  /** NDJSON: every run event on stdout as one line; prompts go to stderr. */
  json: boolean;
}

export interface ChatReplResult {
  turns: number;
  failedRuns: number;
  /** Set when input ended while a tool call was waiting for a decision. */
  pendingApproval: { runId: string; toolCallId: string } | null;
}

type Decision = { decision: 'approve' | 'reject'; reason?: string } | null;

/** `y`/`yes` approves; empty, `n`, `no` reject; any other text rejects with that text as the reason. */
export function parseApprovalAnswer(answer: string): { decision: 'approve' | 'reject'; reason?: string } {
  const text = answer.trim();
  const lower = text.toLowerCase();
  if (lower === 'y' || lower === 'yes') return { decision: 'approve' };
  if (lower === '' || lower === 'n' || lower === 'no') return { decision: 'reject' };
  return { decision: 'reject', reason: text };
}

/**
 * The `colony chat` loop: each input line is posted with streaming; text deltas print as they
 * arrive; a tool call that needs approval is shown and decided inline while the run's stream
 * stays open (the client reconnects with Last-Event-ID if it drops). `/exit` quits.
 */
export async function runChatRepl(options: ChatReplOptions): Promise<ChatReplResult> {
  const { client, chat, agentName, reader, io, json } = options;
  const out = io.stdout;
  const spinner = createSpinner(io.stderr);
  const result: ChatReplResult = { turns: 0, failedRuns: 0, pendingApproval: null };
  let midLine = false;
  let offlineNoted = false;
  let activeRunId: string | null = null;

  const write = (value: string) => {
    if (json || value === '') return;
    spinner.stop();
    out.write(value);
    midLine = !value.endsWith('\n');
  };
  const endLine = () => {
    if (midLine) write('\n');
  };
  const say = (line: string) => {
    endLine();
    write(`${line}\n`);
  };

  reader.onInterrupt(() => {
    if (activeRunId === null) {
      reader.close();
      return;
    }
    const runId = activeRunId;
    say('(canceling the run…)');
    client.runs
      .cancel(runId)
      .catch((thrown: unknown) => io.stderr.write(`cancel failed: ${coerceError(thrown).message}\n`));
  });

  async function decide(
    event: Extract<RunStreamEvent, { event: 'tool-call-approval-requested' }>,
  ): Promise<Decision> {
    const { toolCallId, toolName, input } = event.data.payload;
    const runId = event.data.runId ?? '';
    spinner.stop();
    endLine();
    const question = `  ? ${toolName ?? 'a tool'} wants to run with ${brief(input, 500)}`;
    if (json) io.stderr.write(`${question}\n`);
    else say(question);
    const answer = await reader.next('approve? [y/N/reason] ');
    if (answer === null) {
      result.pendingApproval = { runId, toolCallId };
      return null;
    }
    const decision = parseApprovalAnswer(answer);
    await client.runs.decide(runId, { toolCallId, ...decision });
    say(
      decision.decision === 'approve'
        ? '  approved'
        : `  rejected${decision.reason ? ` (${decision.reason})` : ''}`,
    );
    return decision;
  }

  async function turn(content: string): Promise<'done' | 'input-ended'> {
    const stepText = new Map<number, string>();
    const decided = new Set<string>();
    let prefixed = false;
    const agentText = (value: string) => {
      if (!prefixed) {
        endLine();
        write(`${agentName}> `);
        prefixed = true;
      }
      write(value);
    };
    spinner.start('sending…');
    try {
      for await (const event of client.messages.stream(chat.id, content)) {
        activeRunId ??= event.data.runId;
        if (json) out.write(`${JSON.stringify(event)}\n`);
        switch (event.event) {
          case 'run-queued':
            spinner.start('queued, waiting for a worker…');
            break;
          case 'run-started':
          case 'run-resumed': {
            const { offline, model } = event.data.payload;
            if (offline && !offlineNoted) {
              offlineNoted = true;
              say(`(model ${model}: offline — deterministic, not AI)`);
            }
            spinner.start('thinking…');
            break;
          }
          case 'run-text-delta': {
            const { stepIndex, delta } = event.data.payload;
            stepText.set(stepIndex, (stepText.get(stepIndex) ?? '') + delta);
            agentText(delta);
            break;
          }
          case 'run-step-end': {
            // Deltas are live-only: after a reconnect, print what was missed from the stored step.
            const { index, text: full } = event.data.payload;
            const shown = stepText.get(index) ?? '';
            if (full.startsWith(shown) && full.length > shown.length) agentText(full.slice(shown.length));
            break;
          }
          case 'tool-call-started': {
            const { toolName, input } = event.data.payload;
            say(`  ⚙ ${toolName ?? 'tool'} ${brief(input)}`);
            spinner.start(`running ${toolName ?? 'tool'}…`);
            break;
          }
          case 'tool-call-end': {
            const { toolName, error, output } = event.data.payload;
            say(
              error !== undefined
                ? `  ✗ ${toolName ?? 'tool'} failed: ${brief(error)}`
                : `  ✓ ${toolName ?? 'tool'} → ${brief(output)}`,
            );
            prefixed = false;
            spinner.start('thinking…');
            break;
          }
          case 'tool-call-approval-requested': {
            const decision = await decide(event);
            if (decision === null) return 'input-ended';
            decided.add(event.data.payload.toolCallId);
            spinner.start('continuing…');
            break;
          }
          case 'tool-call-approved':
          case 'tool-call-rejected':
            if (!decided.has(event.data.payload.toolCallId)) {
              say(
                `  ${event.event === 'tool-call-approved' ? 'approved' : 'rejected'} elsewhere: ${event.data.payload.toolName ?? 'tool'}`,
              );
            }
            break;
          case 'run-failed':
            result.failedRuns++;
            endLine();
            spinner.stop();
            io.stderr.write(`run failed: ${event.data.payload.error ?? 'unknown error'}\n`);
            break;
          case 'run-canceled':
            say('(run canceled)');
            break;
          case 'run-succeeded':
            endLine();
            break;
          default:
            break;
        }
      }
    } finally {
      spinner.stop();
      activeRunId = null;
      endLine();
    }
    return 'done';
  }

  const header = `chat ${chat.id} with ${agentName} — type a message, /exit to quit`;
  if (json) io.stderr.write(`${header}\n`);
  else say(header);
  while (true) {
    const line = await reader.next(json ? '' : 'you> ');
    if (line === null) break;
    const content = line.trim();
    if (content === '') continue;
    if (content === '/exit' || content === '/quit') break;
    result.turns++;
    if ((await turn(content)) === 'input-ended') break;
  }
  reader.close();
  if (result.pendingApproval) {
    const { runId, toolCallId } = result.pendingApproval;
    io.stderr.write(
      `input ended; the tool call is still waiting: colony run approve ${runId} ${toolCallId} (or reject)\n`,
    );
  }
  return result;
}
