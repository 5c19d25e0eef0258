import type { Command } from 'commander';
import type { Agent, UpdateAgentInput } from '../../client/index.js';
import type { CliContext } from '../cli-context.js';
import { createOutput, formatTable, formatTime } from '../output.js';
import { globalsOf, integerOption, listOption, resolveClient } from '../settings.js';

interface DefinitionOptions {
  instructions?: string;
  model?: string;
  tools?: string[];
  description?: string;
  capabilities?: string;
}

function withDefinitionOptions(command: Command): Command {
  return command
    .option('--instructions <text>', 'the system instructions')
    .option(
      '--model <provider:model>',
      'e.g. openai:gpt-4o-mini or offline:echo (default: the server default)',
    )
    .option(
      '--tools <a,b>',
      'comma-separated tool names, e.g. get_time,http_request ("" for none)',
      listOption,
    )
    .option('--description <text>', 'a short description')
    .option('--capabilities <text>', 'what the agent is expert at (used for routing)');
}

function definitionOf(options: DefinitionOptions): UpdateAgentInput {
  return {
    ...(options.instructions !== undefined ? { instructions: options.instructions } : {}),
    ...(options.model !== undefined ? { model: options.model } : {}),
    ...(options.tools !== undefined ? { tools: options.tools } : {}),
    ...(options.description !== undefined ? { description: options.description } : {}),
    ...(options.capabilities !== undefined ? { capabilities: { text: options.capabilities, tags: [] } } : {}),
  };
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

export function formatAgent(agent: Agent): string {
  return [
    `${agent.name} (${agent.id}), version ${agent.version}`,
    `description:  ${agent.description || '-'}`,
    `model:        ${agent.model ?? '(server default)'}`,
    `tools:        ${agent.tools.length > 0 ? agent.tools.join(', ') : '-'}`,
    `capabilities: ${agent.capabilities.text || '-'}`,
    `updated:      ${formatTime(agent.updatedAt)}`,
    'instructions:',
    indent(agent.instructions),
  ].join('\n');
}

export function registerAgentCommand(program: Command, cli: CliContext): void {
  const agent = program
    .command('agent')
    .description('create, list, show, edit and delete agents (over HTTP)');

  withDefinitionOptions(
    agent
      .command('create')
      .description('create an agent (version 1)')
      .argument('<name>', 'unique in the org'),
  ).action(async (name: string, options: DefinitionOptions, command: Command) => {
    const globals = globalsOf(command);
    const client = resolveClient(globals, cli.io, cli.hints);
    const created = await client.agents.create({ name, ...definitionOf(options) });
    createOutput(cli.io, globals.json === true).result(
      created,
      () => `created agent ${created.name} (${created.id}), version 1`,
    );
  });

  agent
    .command('list')
    .description('list agents')
    .action(async (_options: unknown, command: Command) => {
      const globals = globalsOf(command);
      const client = resolveClient(globals, cli.io, cli.hints);
      const agents: Agent[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.agents.list({ limit: 200, ...(cursor ? { cursor } : {}) });
        agents.push(...page.agents);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      createOutput(cli.io, globals.json === true).result({ agents }, () =>
        formatTable(
          ['name', 'version', 'model', 'tools', 'updated', 'id'],
          agents.map((item) => [
            item.name,
            String(item.version),
            item.model ?? '(default)',
            item.tools.join(',') || '-',
            formatTime(item.updatedAt),
            item.id,
          ]),
        ),
      );
    });

  agent
    .command('show')
    .description('show an agent (the current version, or --version)')
    .argument('<name>', 'name or id')
    .option('--version <n>', 'a past version', integerOption('--version', 1))
    .action(async (name: string, options: { version?: number }, command: Command) => {
      const globals = globalsOf(command);
      const client = resolveClient(globals, cli.io, cli.hints);
      const found = await client.agents.get(name, { version: options.version });
      createOutput(cli.io, globals.json === true).result(found, () => formatAgent(found));
    });

  withDefinitionOptions(
    agent
      .command('edit')
      .description('edit an agent: creates a new version')
      .argument('<name>', 'name or id')
      .option('--name <new-name>', 'rename the agent'),
  ).action(async (name: string, options: DefinitionOptions & { name?: string }, command: Command) => {
    const globals = globalsOf(command);
    const client = resolveClient(globals, cli.io, cli.hints);
    const input = { ...definitionOf(options), ...(options.name !== undefined ? { name: options.name } : {}) };
    const updated = await client.agents.update(name, input);
    createOutput(cli.io, globals.json === true).result(
      updated,
      () => `updated agent ${updated.name} (${updated.id}), now version ${updated.version}`,
    );
  });

  agent
    .command('delete')
    .description('delete an agent (admin)')
    .argument('<name>', 'name or id')
    .action(async (name: string, _options: unknown, command: Command) => {
      const globals = globalsOf(command);
      const client = resolveClient(globals, cli.io, cli.hints);
      await client.agents.delete(name);
      createOutput(cli.io, globals.json === true).result({ deleted: name }, () => `deleted agent ${name}`);
    });
}
