import type { Command } from 'commander';
import type { Secret } from '../../client/index.js';
import { ColonyError } from '../../errors/index.js';
import type { CliContext } from '../cli-context.js';
import { createOutput, formatTable } from '../output.js';
import { globalsOf, resolveClient } from '../settings.js';
import { readSecretValue } from './secret-value.js';

const grantees = (secret: Secret) =>
  secret.grants.map((grant) => `${grant.subject}:${grant.subjectId}`).join(', ') || '-';

interface GrantOptions {
  agent?: string;
  chat?: string;
}

function grantInput(options: GrantOptions): { agent: string } | { chat: string } {
  if (options.agent !== undefined && options.chat === undefined) return { agent: options.agent };
  if (options.chat !== undefined && options.agent === undefined) return { chat: options.chat };
  throw new ColonyError('invalid_input', 'give either --agent or --chat');
}

export function registerSecretCommand(program: Command, cli: CliContext): void {
  const secret = program
    .command('secret')
    .description(
      "manage the org's secrets; tools reference them as {{secrets.NAME}} (values are read from stdin, never shown)",
    );

  secret
    .command('set')
    .description('store a new secret; its value is read from stdin (piped, or typed at a hidden prompt)')
    .argument('<name>', 'letters, digits and _, starting with a letter')
    .option('--description <text>', 'what it is for')
    .action(async (name: string, options: { description?: string }, command: Command) => {
      const globals = globalsOf(command);
      const client = resolveClient(globals, cli.io, cli.hints);
      const value = await readSecretValue(cli.io, name);
      const created = await client.secrets.create({ name, value, description: options.description ?? '' });
      createOutput(cli.io, globals.json === true).result(
        created,
        () =>
          `stored secret ${created.name} (version ${created.version}); grant it with: colony secret grant ${created.name} --agent <agent>`,
      );
    });

  secret
    .command('rotate')
    .description('give a secret a new value (a new version); the value is read from stdin')
    .argument('<name>', 'its name or id')
    .action(async (name: string, _options: unknown, command: Command) => {
      const globals = globalsOf(command);
      const client = resolveClient(globals, cli.io, cli.hints);
      const rotated = await client.secrets.rotate(name, await readSecretValue(cli.io, name));
      createOutput(cli.io, globals.json === true).result(
        rotated,
        () => `rotated secret ${rotated.name}: version ${rotated.version}`,
      );
    });

  secret
    .command('list')
    .description("list the org's secrets: names, versions and grants, never values")
    .action(async (_options: unknown, command: Command) => {
      const globals = globalsOf(command);
      const client = resolveClient(globals, cli.io, cli.hints);
      const page = await client.secrets.list({ limit: 200 });
      createOutput(cli.io, globals.json === true).result(page, () =>
        page.secrets.length === 0
          ? 'no secrets'
          : formatTable(
              ['name', 'version', 'granted to', 'id'],
              page.secrets.map((each) => [each.name, String(each.version), grantees(each), each.id]),
            ),
      );
    });

  secret
    .command('delete')
    .description('delete a secret with its versions and grants')
    .argument('<name>', 'its name or id')
    .action(async (name: string, _options: unknown, command: Command) => {
      const globals = globalsOf(command);
      const client = resolveClient(globals, cli.io, cli.hints);
      await client.secrets.delete(name);
      createOutput(cli.io, globals.json === true).result({ deleted: name }, () => `deleted secret ${name}`);
    });

  secret
    .command('grant')
    .description('let an agent (every run of it) or a chat (every run in it) use a secret')
    .argument('<name>', 'its name or id')
    .option('--agent <agent>', 'an agent name or id')
    .option('--chat <chat>', 'a chat id')
    .action(async (name: string, options: GrantOptions, command: Command) => {
      const globals = globalsOf(command);
      const client = resolveClient(globals, cli.io, cli.hints);
      const grant = await client.secrets.grant(name, grantInput(options));
      createOutput(cli.io, globals.json === true).result(
        grant,
        () => `granted ${name} to ${grant.subject} ${grant.subjectId} (grant ${grant.id})`,
      );
    });

  secret
    .command('revoke')
    .description("take back a secret's grant to an agent or a chat")
    .argument('<name>', 'its name or id')
    .option('--agent <agent>', 'the agent name or id the secret was granted to')
    .option('--chat <chat>', 'the chat id it was granted to')
    .option('--grant <id>', 'the grant id (from secret list --json)')
    .action(async (name: string, options: GrantOptions & { grant?: string }, command: Command) => {
      const globals = globalsOf(command);
      const client = resolveClient(globals, cli.io, cli.hints);
      let grantId = options.grant;
      if (grantId === undefined) {
        const wanted = grantInput(options);
        const subjectId = 'agent' in wanted ? (await client.agents.get(wanted.agent)).id : wanted.chat;
        grantId = (await client.secrets.grants(name)).grants.find(
          (grant) => grant.subjectId === subjectId,
        )?.id;
        if (grantId === undefined) {
          throw new ColonyError(
            'not_found',
            `${name} is not granted to ${'agent' in wanted ? wanted.agent : wanted.chat}`,
          );
        }
      }
      await client.secrets.revoke(name, grantId);
      createOutput(cli.io, globals.json === true).result(
        { revoked: grantId },
        () => `revoked grant ${grantId} of ${name}`,
      );
    });
}
