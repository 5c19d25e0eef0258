import { type Command, InvalidArgumentError } from 'commander';
import type { Task, TaskDetail, TaskStatus } from '../../client/index.js';
import type { CliContext } from '../cli-context.js';
import { brief, createOutput, formatTable, formatTime } from '../output.js';
import { globalsOf, integerOption, listOption, resolveClient } from '../settings.js';

// Listed here rather than imported from tasks/, which would load the storage layer into every CLI
// command; the two checks keep it equal to `TaskStatus`.
const taskStatuses = [
  'pending',
  'ready',
  'running',
  'waiting',
  'succeeded',
  'failed',
  'canceled',
] as const satisfies readonly TaskStatus[];
type Missing = Exclude<TaskStatus, (typeof taskStatuses)[number]>;
const complete: [Missing] extends [never] ? true : never = true;
void complete;

interface ListOptions {
  status?: TaskStatus[];
  kind?: string;
  limit?: number;
  all?: boolean;
}

function statusOption(value: string): TaskStatus[] {
  const statuses = listOption(value);
  for (const status of statuses) {
    if (!(taskStatuses as readonly string[]).includes(status)) {
      throw new InvalidArgumentError(`unknown status "${status}"; one of ${taskStatuses.join(', ')}`);
    }
  }
  return statuses as TaskStatus[];
}

function attemptsOf(task: Task): string {
  return `${task.attempts}/${task.maxAttempts}`;
}

export function formatTask(task: TaskDetail): string {
  const lines = [
    `task ${task.id}: ${task.status}${task.waitReason ? ` (${task.waitReason})` : ''}`,
    `kind:       ${task.kind}`,
    `attempts:   ${attemptsOf(task)}   priority: ${task.priority}`,
    `created:    ${formatTime(task.createdAt)}   run at: ${formatTime(task.runAt)}`,
    `started:    ${formatTime(task.startedAt)}   finished: ${formatTime(task.finishedAt)}`,
  ];
  if (task.lockedBy) lines.push(`worker:     ${task.lockedBy} (lease until ${formatTime(task.lockedUntil)})`);
  if (task.parentId) lines.push(`parent:     ${task.parentId}`);
  if (task.dependsOn.length > 0) lines.push(`depends on: ${task.dependsOn.join(', ')}`);
  if (task.concurrencyKey) lines.push(`concurrency key: ${task.concurrencyKey}`);
  if (task.idempotencyKey) lines.push(`idempotency key: ${task.idempotencyKey}`);
  if (task.deadlineAt !== null) lines.push(`deadline:   ${formatTime(task.deadlineAt)}`);
  lines.push(`payload:    ${brief(task.payload, 160)}`);
  if (task.status === 'succeeded') lines.push(`result:     ${brief(task.result, 160)}`);
  if (task.lastError) lines.push(`last error: ${task.lastError}`);
  if (task.attemptLog.length > 0) {
    lines.push(
      '',
      formatTable(
        ['attempt', 'outcome', 'worker', 'finished', 'error'],
        task.attemptLog.map((attempt) => [
          String(attempt.attempt),
          attempt.outcome,
          attempt.workerId ?? '-',
          formatTime(attempt.finishedAt),
          attempt.error
            ? brief(`${attempt.error.code ?? attempt.error.name}: ${attempt.error.message}`, 100)
            : '-',
        ]),
      ),
    );
  }
  return lines.join('\n');
}

export function registerTaskCommand(program: Command, cli: CliContext): void {
  const task = program.command('task').description('list, show and cancel durable tasks (over HTTP)');

  task
    .command('list')
    .description('list the org’s tasks, newest first')
    .option('--status <a,b>', `filter by status (${taskStatuses.join(', ')})`, statusOption)
    .option('--kind <kind>', 'filter by kind, e.g. agent-run')
    .option('--limit <n>', 'how many (default 50; with --all, the page size)', integerOption('--limit', 1))
    .option('--all', 'follow the cursor to the last page')
    .action(async (options: ListOptions, command: Command) => {
      const globals = globalsOf(command);
      const client = resolveClient(globals, cli.io, cli.hints);
      const tasks: Task[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.tasks.list({
          status: options.status,
          kind: options.kind,
          limit: options.limit ?? (options.all ? 500 : 50),
          cursor,
        });
        tasks.push(...page.tasks);
        cursor = options.all ? (page.nextCursor ?? undefined) : undefined;
      } while (cursor);
      createOutput(cli.io, globals.json === true).result({ tasks }, () =>
        formatTable(
          ['id', 'kind', 'status', 'attempts', 'created', 'finished', 'detail'],
          tasks.map((item) => [
            item.id,
            item.kind,
            item.status,
            attemptsOf(item),
            formatTime(item.createdAt),
            formatTime(item.finishedAt),
            brief(item.lastError ?? item.waitReason ?? '', 60),
          ]),
        ),
      );
    });

  task
    .command('show')
    .description('show a task with its dependencies and every failed attempt')
    .argument('<id>', 'task id')
    .action(async (id: string, _options: unknown, command: Command) => {
      const globals = globalsOf(command);
      const found = await resolveClient(globals, cli.io, cli.hints).tasks.get(id);
      createOutput(cli.io, globals.json === true).result(found, () => formatTask(found));
    });

  task
    .command('cancel')
    .description('cancel a task and its unfinished descendants (an agent-run task cancels its run)')
    .argument('<id>', 'task id')
    .action(async (id: string, _options: unknown, command: Command) => {
      const globals = globalsOf(command);
      const canceled = await resolveClient(globals, cli.io, cli.hints).tasks.cancel(id);
      createOutput(cli.io, globals.json === true).result(
        canceled,
        () => `task ${canceled.id}: ${canceled.status}`,
      );
    });
}
