import { type Command, InvalidArgumentError } from 'commander';
import type { CreateMcpServerInput, McpServer } from '../../client/index.js';
import { ColonyError } from '../../errors/index.js';
import type { CliContext } from '../cli-context.js';
import { createOutput, formatTable } from '../output.js';
import { globalsOf, resolveClient } from '../settings.js';

/** Collects a repeated `--env NAME=value` / `--header Name:value` option into a record. */
function pairOption(separator: string, what: string) {
  return (value: string, previous: Record<string, string> = {}) => {
    const at = value.indexOf(separator);
    if (at <= 0)
      throw new InvalidArgumentError(`${what} must look like NAME${separator}value, got "${value}"`);
    return { ...previous, [value.slice(0, at).trim()]: value.slice(at + 1).trim() };
  };
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function target(server: McpServer): string {
  const transport = server.transport;
  return transport.type === 'stdio' ? [transport.command, ...transport.args].join(' ') : transport.url;
}

interface AddOptions {
  command?: string;
  arg?: string[];
  env?: Record<string, string>;
  httpUrl?: string;
  header?: Record<string, string>;
  description?: string;
}

function addInput(name: string, options: AddOptions): CreateMcpServerInput {
  if ((options.command === undefined) === (options.httpUrl === undefined)) {
    throw new ColonyError('invalid_input', 'give either --command (stdio) or --http-url (streamable HTTP)');
  }
  const transport = options.httpUrl
    ? { type: 'http' as const, url: options.httpUrl, headers: options.header ?? {} }
    : {
        type: 'stdio' as const,
        command: options.command ?? '',
        args: options.arg ?? [],
        env: options.env ?? {},
      };
  return { name, description: options.description ?? '', transport };
}

export function registerMcpServerCommand(program: Command, cli: CliContext): void {
  const mcp = program
    .command('mcp-server')
    .description("manage the org's MCP servers; agents use their tools as mcp:<server>/<tool> (over HTTP)");

  mcp
    .command('add')
    .description('register an MCP server: a command (stdio) or a URL (streamable HTTP)')
    .argument('<name>', 'lowercase letters, digits and -')
    .option('--command <command>', 'stdio: the executable to start')
    .option('--arg <value>', 'stdio: an argument (repeat for more)', collect)
    .option(
      '--env <NAME=value>',
      'stdio: an environment variable (repeat for more)',
      pairOption('=', '--env'),
    )
    .option('--http-url <url>', 'streamable HTTP: the endpoint (--url is the Colony server)')
    .option('--header <Name:value>', 'HTTP: a header (repeat for more)', pairOption(':', '--header'))
    .option('--description <text>', 'what the server offers')
    .action(async (name: string, options: AddOptions, command: Command) => {
      const globals = globalsOf(command);
      const client = resolveClient(globals, cli.io, cli.hints);
      const server = await client.mcpServers.create(addInput(name, options));
      createOutput(cli.io, globals.json === true).result(
        server,
        () => `added MCP server ${server.name} (${server.id}); agents list its tools as mcp:${server.name}/*`,
      );
    });

  mcp
    .command('list')
    .description("list the configuration file's MCP servers and the org's")
    .action(async (_options: unknown, command: Command) => {
      const globals = globalsOf(command);
      const client = resolveClient(globals, cli.io, cli.hints);
      const page = await client.mcpServers.list({ limit: 200 });
      createOutput(cli.io, globals.json === true).result(page, () =>
        page.mcpServers.length === 0
          ? 'no MCP servers'
          : formatTable(
              ['name', 'transport', 'target', 'source', 'id'],
              page.mcpServers.map((server) => [
                server.name,
                server.transport.type,
                target(server),
                server.source,
                server.id,
              ]),
            ),
      );
    });

  mcp
    .command('remove')
    .description('remove an MCP server and stop it')
    .argument('<name>', 'its name or id')
    .action(async (name: string, _options: unknown, command: Command) => {
      const globals = globalsOf(command);
      const client = resolveClient(globals, cli.io, cli.hints);
      await client.mcpServers.delete(name);
      createOutput(cli.io, globals.json === true).result(
        { removed: name },
        () => `removed MCP server ${name}`,
      );
    });
}
