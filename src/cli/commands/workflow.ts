import { readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import type { ColonyClient, StoredEvent, WorkflowRunDetail } from '../../client/index.js';
import type { CliContext } from '../cli-context.js';
import { brief, createOutput, formatTable, formatTime, type Output } from '../output.js';
import { globalsOf, resolveClient } from '../settings.js';

function jsonOption(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw new InvalidArgumentError(`not JSON: ${brief(value, 60)}`);
  }
}

function formatRun(run: WorkflowRunDetail): string {
  const lines = [
    `run ${run.id}: ${run.workflow} v${run.version} ${run.status}${run.error ? ` (${run.error})` : ''}`,
    '',
    formatTable(
      ['step', 'type', 'status', 'attempts', 'output'],
      run.steps.map((step) => [
        step.key,
        step.type,
        step.status,
        String(step.attempts),
        step.error ? `error: ${brief(step.error, 60)}` : brief(step.output ?? '', 60),
      ]),
    ),
  ];
  if (run.status === 'succeeded') lines.push('', `output: ${brief(run.output, 400)}`);
  return lines.join('\n');
}

/** One line per step event: ▶ started, ⏸ waiting, ✓ completed (or skipped), ✗ failed. */
function progressLine(event: StoredEvent): string | undefined {
  const data = event.payload as Record<string, unknown>;
  const key = String(data.key ?? '');
  switch (event.type) {
    case 'workflow-run-started':
      return `run ${String(data.runId)} of ${String(data.workflow)} v${String(data.version)} started`;
    case 'workflow-step-started':
      return `▶ ${key} (${String(data.stepType)})`;
    case 'workflow-step-waiting':
      return `⏸ ${key} waiting for ${String(data.reason)}${data.wakeAt ? ` until ${formatTime(Number(data.wakeAt))}` : ''}`;
    case 'workflow-step-completed':
      return data.skipped ? `· ${key} skipped` : `✓ ${key}`;
    case 'workflow-step-failed':
      return `✗ ${key}: ${String(data.error)}${data.retryAt ? ' (retrying)' : ''}`;
    case 'workflow-approval-decided':
      return `${data.approved ? '✓' : '✗'} ${key} ${data.approved ? 'approved' : 'rejected'} by ${String(data.by)}`;
    case 'workflow-run-succeeded':
      return 'run succeeded';
    case 'workflow-run-failed':
      return `run failed: ${String(data.error)}`;
    case 'workflow-run-canceled':
      return `run canceled: ${String(data.reason)}`;
    default:
      return undefined;
  }
}

async function followRun(client: ColonyClient, out: Output, runId: string): Promise<WorkflowRunDetail> {
  for await (const event of client.workflows.events(runId)) {
    const line = progressLine(event);
    if (line) out.note(line);
  }
  return client.workflows.run(runId);
}

export function registerWorkflowCommand(program: Command, cli: CliContext): void {
  const workflow = program.command('workflow').description('declarative workflows (over HTTP)');
  const client = (command: Command) => resolveClient(globalsOf(command), cli.io, cli.hints);
  const output = (command: Command) => createOutput(cli.io, globalsOf(command).json === true);

  workflow
    .command('apply')
    .description('apply a YAML or JSON definition: a new workflow or the next version of its name')
    .argument('<file>', 'the definition file')
    .option('--dry-run', 'only validate it')
    .action(async (file: string, options: { dryRun?: boolean }, command: Command) => {
      const source = readFileSync(file, 'utf8');
      if (options.dryRun) {
        const result = await client(command).workflows.validate(source);
        output(command).result(result, () => `${file} is valid`);
        return;
      }
      const applied = await client(command).workflows.apply(source);
      output(command).result(
        applied,
        () => `workflow ${applied.name} version ${applied.version} (${applied.id})`,
      );
    });

  workflow
    .command('list')
    .description('list workflows')
    .action(async (_options: unknown, command: Command) => {
      const { workflows } = await client(command).workflows.list({ limit: 200 });
      output(command).result({ workflows }, () =>
        formatTable(
          ['name', 'version', 'updated', 'description'],
          workflows.map((item) => [
            item.name,
            String(item.latestVersion),
            formatTime(item.updatedAt),
            brief(item.description, 50),
          ]),
        ),
      );
    });

  workflow
    .command('run')
    .description('start a run and follow its steps until it ends (or waits, with --no-follow)')
    .argument('<workflow>', 'workflow name or id')
    .option('--input <json>', 'the run input as JSON', jsonOption)
    .option('--input-file <file>', 'the run input from a JSON file')
    .option('--version <n>', 'a version other than the latest', (value) => Number(value))
    .option('--no-follow', 'print the run and return at once')
    .action(
      async (
        name: string,
        options: { input?: unknown; inputFile?: string; version?: number; follow: boolean },
        command: Command,
      ) => {
        const api = client(command);
        const input = options.inputFile ? jsonOption(readFileSync(options.inputFile, 'utf8')) : options.input;
        const run = await api.workflows.start({
          workflow: name,
          ...(input !== undefined ? { input } : {}),
          ...(options.version ? { version: options.version } : {}),
        });
        const out = output(command);
        if (!options.follow) {
          out.result(run, () => `run ${run.id} started`);
          return;
        }
        const detail = await followRun(api, out, run.id);
        out.result(detail, () => formatRun(detail));
        if (detail.status !== 'succeeded') process.exitCode = 1;
      },
    );

  workflow
    .command('show')
    .description('a workflow (its versions) or a run (its steps)')
    .argument('<name-or-run>', 'workflow name or id, or a run id (wfr_…)')
    .action(async (target: string, _options: unknown, command: Command) => {
      const api = client(command);
      if (target.startsWith('wfr_')) {
        const run = await api.workflows.run(target);
        output(command).result(run, () => formatRun(run));
        return;
      }
      const found = await api.workflows.get(target);
      output(command).result(found, () =>
        [
          `workflow ${found.name} (${found.id}), latest version ${found.latestVersion}`,
          found.description,
          '',
          formatTable(
            ['version', 'applied', 'by'],
            found.versions.map((version) => [
              String(version.version),
              formatTime(version.createdAt),
              version.createdBy,
            ]),
          ),
        ].join('\n'),
      );
    });

  workflow
    .command('logs')
    .description('the events of a run, followed until it ends')
    .argument('<run>', 'run id')
    .action(async (runId: string, _options: unknown, command: Command) => {
      const out = output(command);
      const detail = await followRun(client(command), out, runId);
      out.result(detail, () => formatRun(detail));
    });

  for (const [verb, approve] of [
    ['approve', true],
    ['reject', false],
  ] as const) {
    workflow
      .command(verb)
      .description(`${verb} a run's waiting approval step`)
      .argument('<run>', 'run id')
      .argument('<step>', 'the approval step key')
      .option('--comment <text>', 'why')
      .action(async (runId: string, step: string, options: { comment?: string }, command: Command) => {
        const state = await client(command).workflows.decide(runId, {
          step,
          approve,
          ...(options.comment ? { comment: options.comment } : {}),
        });
        output(command).result(state, () => `${step}: ${approve ? 'approved' : 'rejected'}`);
      });
  }

  workflow
    .command('cancel')
    .description('cancel a run with its sub-workflows')
    .argument('<run>', 'run id')
    .action(async (runId: string, _options: unknown, command: Command) => {
      const run = await client(command).workflows.cancel(runId);
      output(command).result(run, () => `run ${run.id} ${run.status}`);
    });
}
