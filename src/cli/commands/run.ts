import type { Command } from 'commander';
import type { Run, RunStep, RunWithSteps } from '../../client/index.js';
import type { CliContext } from '../cli-context.js';
import { brief, createOutput, formatTable, formatTime } from '../output.js';
import { globalsOf, resolveClient } from '../settings.js';

function stepSummary(step: RunStep): string {
  const payload: { text?: unknown; toolCalls?: unknown; error?: unknown; output?: unknown; input?: unknown } =
    step.payload;
  if (step.kind === 'model') {
    const calls = Array.isArray(payload.toolCalls) ? payload.toolCalls.length : 0;
    const text = typeof payload.text === 'string' ? payload.text : '';
    const toolCalls = calls > 0 ? `(${calls} tool call${calls > 1 ? 's' : ''})` : '';
    return [brief(text.replaceAll('\n', ' '), 80), toolCalls].filter(Boolean).join(' ');
  }
  const detail = payload.error ?? payload.output ?? payload.input;
  return `${step.toolName ?? '?'} ${step.toolCallId ?? ''} ${brief(detail, 80)}`;
}

export function formatRun(run: Run | RunWithSteps): string {
  const lines = [
    `run ${run.id}: ${run.status}`,
    `chat:    ${run.chatId}`,
    `agent:   ${run.agentId} (version ${run.agentVersion})`,
    `model:   ${run.model}${run.offline ? ' (offline: deterministic, not AI)' : ''}`,
    `usage:   ${run.usage.inputTokens} in / ${run.usage.outputTokens} out tokens, $${run.usage.costUsd.toFixed(4)}`,
    `created: ${formatTime(run.createdAt)}   finished: ${formatTime(run.finishedAt)}`,
  ];
  if (run.error) lines.push(`error:   ${run.error}`);
  if ('steps' in run) {
    lines.push(
      '',
      formatTable(
        ['#', 'kind', 'status', 'detail'],
        run.steps.map((step) => [String(step.index), step.kind, step.status, stepSummary(step)]),
      ),
    );
  }
  return lines.join('\n');
}

export function registerRunCommand(program: Command, cli: CliContext): void {
  const run = program
    .command('run')
    .description('inspect, cancel and decide approvals of runs (for scripting)');

  run
    .command('get')
    .description('show a run and its persisted steps')
    .argument('<id>', 'run id')
    .action(async (id: string, _options: unknown, command: Command) => {
      const globals = globalsOf(command);
      const found = await resolveClient(globals, cli.io, cli.hints).runs.get(id);
      createOutput(cli.io, globals.json === true).result(found, () => formatRun(found));
    });

  run
    .command('cancel')
    .description('cancel a run')
    .argument('<id>', 'run id')
    .action(async (id: string, _options: unknown, command: Command) => {
      const globals = globalsOf(command);
      const canceled = await resolveClient(globals, cli.io, cli.hints).runs.cancel(id);
      createOutput(cli.io, globals.json === true).result(
        canceled,
        () => `run ${canceled.id}: ${canceled.status}`,
      );
    });

  for (const decision of ['approve', 'reject'] as const) {
    run
      .command(decision)
      .description(`${decision} a tool call waiting for approval`)
      .argument('<run-id>', 'run id')
      .argument('<tool-call-id>', 'from the tool-call-approval-requested event (or `colony run get`)')
      .option('--reason <text>', 'why (the model sees it on reject)')
      .action(async (runId: string, toolCallId: string, options: { reason?: string }, command: Command) => {
        const globals = globalsOf(command);
        const client = resolveClient(globals, cli.io, cli.hints);
        const updated = await client.runs.decide(runId, {
          toolCallId,
          decision,
          ...(options.reason ? { reason: options.reason } : {}),
        });
        createOutput(cli.io, globals.json === true).result(
          updated,
          () =>
            `${decision === 'approve' ? 'approved' : 'rejected'} ${toolCallId}; run ${updated.id} is ${updated.status}`,
        );
      });
  }
}
