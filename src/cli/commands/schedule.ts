import { type Command, InvalidArgumentError } from 'commander';
import type { Schedule, ScheduleDetail, ScheduleTarget } from '../../client/index.js';
import type { CliContext } from '../cli-context.js';
import { brief, createOutput, formatTable, formatTime } from '../output.js';
import { durationOption, globalsOf, resolveClient } from '../settings.js';

interface CreateOptions {
  cron?: string;
  every?: number;
  tz?: string;
  agent?: string;
  prompt?: string;
  chat?: string;
  mission?: string;
  description?: string;
  paused?: boolean;
}

function timing(schedule: Schedule): string {
  if (schedule.intervalMs !== null) return `every ${schedule.intervalMs / 1000} s`;
  return `${schedule.cron ?? ''}${schedule.timezone ? ` (${schedule.timezone})` : ''}`;
}

function what(target: ScheduleTarget): string {
  if (target.kind === 'agent') return `${target.agent}: ${brief(target.prompt, 40)}`;
  if (target.kind === 'workflow') return `workflow: ${target.workflow}`;
  return `mission: ${brief(target.goal, 40)}`;
}

function formatDetail(schedule: ScheduleDetail): string {
  const lines = [
    `schedule ${schedule.name} (${schedule.id}): ${schedule.enabled ? 'active' : 'paused'}`,
    `when:     ${timing(schedule)}`,
    `runs:     ${what(schedule.target)}`,
    `next:     ${schedule.upcoming.map((time) => formatTime(time)).join(', ') || '-'}`,
  ];
  if (schedule.history.length > 0) {
    lines.push(
      '',
      formatTable(
        ['fired for', 'status', 'started', 'error'],
        schedule.history.map((firing) => [
          formatTime(firing.scheduledAt),
          firing.status,
          firing.result ? brief(firing.result, 60) : '-',
          firing.error ?? '',
        ]),
      ),
    );
  }
  return lines.join('\n');
}

export function registerScheduleCommand(program: Command, cli: CliContext): void {
  const schedule = program
    .command('schedule')
    .description('run an agent or a mission on a schedule (over HTTP)');
  const client = (command: Command) => resolveClient(globalsOf(command), cli.io, cli.hints);
  const output = (command: Command) => createOutput(cli.io, globalsOf(command).json === true);

  schedule
    .command('create')
    .description('create a schedule: --cron or --every, and --agent with --prompt, or --mission')
    .argument('<name>', 'unique in the org')
    .option('--cron <pattern>', 'cron pattern, e.g. "0 8 * * 1-5" or @daily')
    .option('--every <duration>', 'fixed interval: 90s, 15m, 2h, 1d', durationOption)
    .option('--tz <zone>', 'time zone of the cron pattern, e.g. Europe/Berlin (default UTC)')
    .option('--agent <name>', 'the agent to prompt')
    .option('--prompt <text>', 'what to send it')
    .option('--chat <id>', 'post into this chat each time (default: a new chat per firing)')
    .option('--mission <goal>', 'start a mission with this goal instead')
    .option('--description <text>', 'what it is for')
    .option('--paused', 'create it paused')
    .action(async (name: string, options: CreateOptions, command: Command) => {
      if ((options.agent === undefined) === (options.mission === undefined)) {
        throw new InvalidArgumentError('give either --agent (with --prompt) or --mission');
      }
      const target: ScheduleTarget = options.mission
        ? { kind: 'mission', goal: options.mission }
        : {
            kind: 'agent',
            agent: options.agent ?? '',
            prompt: options.prompt ?? '',
            ...(options.chat ? { chatId: options.chat } : {}),
          };
      const created = await client(command).schedules.create({
        name,
        target,
        ...(options.cron ? { cron: options.cron } : {}),
        ...(options.every ? { intervalMs: options.every } : {}),
        ...(options.tz ? { timezone: options.tz } : {}),
        ...(options.description ? { description: options.description } : {}),
        enabled: options.paused !== true,
      });
      output(command).result(
        created,
        () => `schedule ${created.name} (${created.id}) created; next run ${formatTime(created.nextRunAt)}`,
      );
    });

  schedule
    .command('list')
    .description('list schedules with their next run')
    .action(async (_options: unknown, command: Command) => {
      const { schedules } = await client(command).schedules.list();
      output(command).result({ schedules }, () =>
        schedules.length === 0
          ? 'no schedules'
          : formatTable(
              ['name', 'state', 'when', 'runs', 'next'],
              schedules.map((item) => [
                item.name,
                item.enabled ? 'active' : 'paused',
                timing(item),
                what(item.target),
                formatTime(item.nextRunAt),
              ]),
            ),
      );
    });

  schedule
    .command('show')
    .description('a schedule with its next run times and last firings')
    .argument('<name>', 'name or id')
    .action(async (name: string, _options: unknown, command: Command) => {
      const found = await client(command).schedules.get(name);
      output(command).result(found, () => formatDetail(found));
    });

  for (const [verb, enabled] of [
    ['pause', false],
    ['resume', true],
  ] as const) {
    schedule
      .command(verb)
      .description(enabled ? 'resume a paused schedule (counting from now)' : 'pause a schedule')
      .argument('<name>', 'name or id')
      .action(async (name: string, _options: unknown, command: Command) => {
        const changed = await client(command).schedules.update(name, { enabled });
        output(command).result(
          changed,
          () =>
            `schedule ${changed.name}: ${changed.enabled ? `active, next run ${formatTime(changed.nextRunAt)}` : 'paused'}`,
        );
      });
  }

  schedule
    .command('delete')
    .description('delete a schedule')
    .argument('<name>', 'name or id')
    .action(async (name: string, _options: unknown, command: Command) => {
      const deleted = await client(command).schedules.delete(name);
      output(command).result(deleted, () => `schedule ${deleted.name} deleted`);
    });
}
