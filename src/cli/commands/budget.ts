import { type Command, InvalidArgumentError } from 'commander';
import type { Budget } from '../../client/index.js';
import type { CliContext } from '../cli-context.js';
import { createOutput, formatTable } from '../output.js';
import { globalsOf, resolveClient } from '../settings.js';

/** A limit: a positive number, or `none` to lift it. */
function limitOption(name: string, integer: boolean) {
  return (value: string): number | null => {
    if (value === 'none') return null;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < 0 || (integer && !Number.isInteger(parsed))) {
      throw new InvalidArgumentError(
        `${name} must be ${integer ? 'a whole' : 'a'} number ≥ 0 or "none", got "${value}"`,
      );
    }
    return parsed;
  };
}

const limitText = (max: number | null, used: number, unit: (value: number) => string) =>
  max === null ? '—' : `${unit(used)} of ${unit(max)}`;
const tokens = (value: number) => value.toLocaleString('en-US');
const dollars = (value: number) => `$${value.toFixed(4)}`;

export function formatBudgets(budgets: readonly Budget[]): string {
  if (budgets.length === 0) return 'no budgets: runs are limited only by their agents’ per-run limits';
  return formatTable(
    ['scope', 'tokens this month', 'cost this month'],
    budgets.map((budget) => [
      budget.scope === 'org' ? 'org' : `agent ${budget.agent?.name ?? ''}`,
      limitText(budget.maxTokensPerMonth, budget.used.tokens, tokens),
      limitText(budget.maxCostUsdPerMonth, budget.used.costUsd, dollars),
    ]),
  );
}

interface SetOptions {
  agent?: string;
  tokens?: number | null;
  cost?: number | null;
}

export function registerBudgetCommand(program: Command, cli: CliContext): void {
  const budget = program
    .command('budget')
    .description('monthly token and cost budgets of the org and its agents (over HTTP)');
  budget
    .command('list')
    .description('budgets with what this UTC month used')
    .action(async (_options: unknown, command: Command) => {
      const globals = globalsOf(command);
      const { budgets } = await resolveClient(globals, cli.io, cli.hints).budgets.list();
      createOutput(cli.io, globals.json === true).result({ budgets }, () => formatBudgets(budgets));
    });
  budget
    .command('set')
    .description('set the org’s budget, or an agent’s with --agent (admin); spent: runs get quota_exceeded')
    .option('--agent <name>', 'the agent (name or id); default: the whole org')
    .option('--tokens <n>', 'tokens per UTC month, or "none"', limitOption('--tokens', true))
    .option('--cost <usd>', 'USD per UTC month, or "none"', limitOption('--cost', false))
    .action(async (options: SetOptions, command: Command) => {
      if (options.tokens === undefined && options.cost === undefined) {
        throw new InvalidArgumentError('give --tokens and/or --cost');
      }
      const globals = globalsOf(command);
      const set = await resolveClient(globals, cli.io, cli.hints).budgets.set({
        agent: options.agent,
        ...(options.tokens !== undefined ? { maxTokensPerMonth: options.tokens } : {}),
        ...(options.cost !== undefined ? { maxCostUsdPerMonth: options.cost } : {}),
      });
      createOutput(cli.io, globals.json === true).result(set, () => formatBudgets([set]));
    });
  budget
    .command('remove')
    .description('remove the org’s budget, or an agent’s with --agent (admin)')
    .option('--agent <name>', 'the agent (name or id)')
    .action(async (options: { agent?: string }, command: Command) => {
      const globals = globalsOf(command);
      await resolveClient(globals, cli.io, cli.hints).budgets.remove(options.agent);
      createOutput(cli.io, globals.json === true).result({ removed: options.agent ?? 'org' }, () =>
        options.agent ? `removed the budget of ${options.agent}` : 'removed the org budget',
      );
    });
}
