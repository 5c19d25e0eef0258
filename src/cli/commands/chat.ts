import type { Command } from 'commander';
import { ColonyError } from '../../errors/index.js';
import { runChatRepl } from '../chat-repl.js';
import type { CliContext } from '../cli-context.js';
import { createLineReader } from '../line-reader.js';
import { globalsOf, resolveClient } from '../settings.js';

export function registerChatCommand(program: Command, cli: CliContext): void {
  program
    .command('chat')
    .description(
      'talk to an agent: streams answers and asks for tool approvals inline (reads piped stdin too)',
    )
    .argument('<agent>', 'agent name or id')
    .option('--chat <id>', 'continue an existing chat instead of starting a new one')
    .option('--title <title>', 'title of a new chat')
    .action(async (agentName: string, options: { chat?: string; title?: string }, command: Command) => {
      const globals = globalsOf(command);
      const json = globals.json === true;
      const client = resolveClient(globals, cli.io, cli.hints);
      const agent = await client.agents.get(agentName);
      const chat = options.chat
        ? await client.chats.get(options.chat)
        : await client.chats.create({ agent: agent.id, ...(options.title ? { title: options.title } : {}) });
      if (chat.agentId !== agent.id) {
        throw new ColonyError(
          'invalid_input',
          `chat ${chat.id} is with another agent (${chat.agentId}), not ${agent.name}`,
        );
      }
      const reader = createLineReader(cli.io.stdin, json ? cli.io.stderr : cli.io.stdout);
      await runChatRepl({ client, chat, agentName: agent.name, reader, io: cli.io, json });
    });
}
