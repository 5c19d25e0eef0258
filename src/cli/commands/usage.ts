import { type Command, InvalidArgumentError } from 'commander';
import type { UsageDimension, UsageReport } from '../../client/index.js';
import type { CliContext } from '../cli-context.js';
import { createOutput, formatTable, formatTime } from '../output.js';
import { globalsOf, listOption, resolveClient, timeOption } from '../settings.js';

const dimensions: readonly UsageDimension[] = ['agent', 'model', 'day'];

interface UsageOptions {
  from?: number;
  to?: number;
  by?: UsageDimension[];
  agent?: string;
}

function dimensionsOption(value: string): UsageDimension[] {
  const chosen = listOption(value);
  for (const dimension of chosen) {
    if (!(dimensions as readonly string[]).includes(dimension)) {
      throw new InvalidArgumentError(
        `cannot group by "${dimension}"; one or more of ${dimensions.join(', ')}`,
      );
    }
  }
  return chosen as UsageDimension[];
}

/** `1234567` → `1,234,567`; cost with four decimals, as the run view prints it. */
const count = (value: number) => value.toLocaleString('en-US');
const dollars = (value: number) => `$${value.toFixed(4)}`;

export function formatUsage(report: UsageReport): string {
  const header = [
    ...(report.groupBy.includes('day') ? ['day'] : []),
    ...(report.groupBy.includes('agent') ? ['agent'] : []),
    ...(report.groupBy.includes('model') ? ['model'] : []),
    'calls',
    'input',
    'output',
    'cost',
  ];
  const cells = (row: UsageReport['total']) => [
    count(row.calls),
    count(row.inputTokens),
    count(row.outputTokens),
    dollars(row.costUsd),
  ];
  const rows = report.rows.map((row) => [
    ...(row.day !== undefined ? [row.day] : []),
    ...(row.agent ? [row.agent.name ?? row.agent.id ?? '(none)'] : []),
    ...(row.model ? [`${row.model.provider}:${row.model.id}`] : []),
    ...cells(row),
  ]);
  const range = `usage ${formatTime(report.from)} → ${formatTime(report.to)}`;
  if (report.rows.length === 0) return `${range}: no model calls`;
  const padding = header.length - 4;
  const total = [
    ...Array.from({ length: padding }, (_, index) => (index === 0 ? 'total' : '')),
    ...cells(report.total),
  ];
  return [range, formatTable(header, padding > 0 ? [...rows, total] : rows)].join('\n');
}

export function registerUsageCommand(program: Command, cli: CliContext): void {
  program
    .command('usage')
    .description('model usage and cost of the org (default: this UTC month; over HTTP)')
    .option('--from <time>', 'from this time: ISO date or duration back (7d)', timeOption('--from'))
    .option('--to <time>', 'before this time: ISO date or duration back', timeOption('--to'))
    .option('--by <a,b>', `split by ${dimensions.join(', ')}`, dimensionsOption)
    .option('--agent <name>', 'only this agent (name or id)')
    .action(async (options: UsageOptions, command: Command) => {
      const globals = globalsOf(command);
      const report = await resolveClient(globals, cli.io, cli.hints).usage({
        from: options.from,
        to: options.to,
        groupBy: options.by,
        agent: options.agent,
      });
      createOutput(cli.io, globals.json === true).result(report, () => formatUsage(report));
    });
}
