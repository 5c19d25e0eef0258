import type { Readable, Writable } from 'node:stream';
import type { Command } from 'commander';
import { ColonyError } from '../../errors/index.js';
import { runStdioBridge } from '../../mcp-server/index.js';
import type { CliContext } from '../cli-context.js';
import { globalsOf, resolveEndpoint } from '../settings.js';

export function registerMcpCommand(program: Command, cli: CliContext): void {
  program
    .command('mcp')
    .description(
      'serve Colony as an MCP server on stdio (for desktop clients), forwarding to a running Colony (--url/COLONY_URL, --key/COLONY_API_KEY)',
    )
    .action(async (_options: unknown, command: Command) => {
      const { baseUrl, apiKey } = resolveEndpoint(globalsOf(command), cli.io, cli.hints);
      if (!apiKey)
        throw new ColonyError('unauthenticated', 'colony mcp needs an API key (--key or COLONY_API_KEY)');
      await runStdioBridge({
        url: baseUrl,
        apiKey,
        stdin: cli.io.stdin as Readable,
        stdout: cli.io.stdout as Writable,
        log: (line) => cli.io.stderr.write(`${line}\n`),
      });
    });
}
