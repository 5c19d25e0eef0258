import type { Command } from 'commander';
import { type Context, roles, systemActor } from '../../context/index.js';
import { ColonyError } from '../../errors/index.js';
import type { ApiKey } from '../../identity/index.js';
import type { Colony } from '../../server/index.js';
import type { CliContext } from '../cli-context.js';
import { createOutput, formatTable, formatTime, type Output } from '../output.js';
import { globalsOf, loadCliConfig } from '../settings.js';

interface OrgOption {
  org?: string;
}

/** The org an operator command acts in: `--org`, or the first org (the default one). */
async function orgOf(colony: Colony, requested: string | undefined): Promise<string> {
  let query = colony.database.db.selectFrom('org').select('id').orderBy('created_at').limit(1);
  if (requested) query = query.where('id', '=', requested);
  const row = await query.executeTakeFirst();
  if (row) return row.id;
  if (requested) throw new ColonyError('not_found', `org ${requested} not found`);
  throw new ColonyError(
    'not_found',
    'no org exists yet: start `colony serve` once to create the default org',
  );
}

/**
 * Runs an operator command against the database directly (no server needed), as Colony itself
 * in the chosen org.
 */
async function withOperatorContext<T>(
  cli: CliContext,
  command: Command,
  options: OrgOption,
  action: (context: Context, output: Output) => Promise<T>,
): Promise<T> {
  const globals = globalsOf(command);
  const output = createOutput(cli.io, globals.json === true);
  const config = loadCliConfig(globals, cli.io);
  const [{ createColony }, { createSilentLogger }] = await Promise.all([
    import('../../server/index.js'),
    import('../../observability/index.js'),
  ]);
  const colony = await createColony({ config, logger: createSilentLogger(), workers: false });
  try {
    const orgId = await orgOf(colony, options.org);
    const context = {
      services: colony.services,
      actor: systemActor(orgId),
      signal: new AbortController().signal,
    };
    return await action(context, output);
  } finally {
    await colony.close();
  }
}

function keyRows(keys: readonly ApiKey[]): string {
  return formatTable(
    ['id', 'prefix', 'name', 'role', 'created', 'last used', 'revoked'],
    keys.map((key) => [
      key.id,
      key.prefix,
      key.name,
      key.role,
      formatTime(key.createdAt),
      formatTime(key.lastUsedAt),
      formatTime(key.revokedAt),
    ]),
  );
}

export function registerKeysCommand(program: Command, cli: CliContext): void {
  const keys = program
    .command('keys')
    .description('manage API keys directly in the database (operator commands; no server needed)');

  keys
    .command('create')
    .description('create an API key; the key is printed once')
    .requiredOption('--name <name>', 'a label for the key')
    .option('--role <role>', `one of ${roles.join(', ')}`, 'member')
    .option('--org <id>', 'org to create the key in (default: the first org)')
    .action(async (options: OrgOption & { name: string; role: string }, command: Command) => {
      await withOperatorContext(cli, command, options, async (context, output) => {
        const { createApiKey } = await import('../../identity/index.js');
        const created = await createApiKey(context, {
          name: options.name,
          role: options.role as ApiKey['role'],
        });
        output.result(created, () =>
          [
            `created key ${created.apiKey.id} (${created.apiKey.role}, prefix ${created.apiKey.prefix})`,
            `key: ${created.key}`,
            'store it now: it is not shown again',
          ].join('\n'),
        );
      });
    });

  keys
    .command('list')
    .description('list the API keys of the org')
    .option('--org <id>', 'org (default: the first org)')
    .action(async (options: OrgOption, command: Command) => {
      await withOperatorContext(cli, command, options, async (context, output) => {
        const { listApiKeys } = await import('../../identity/index.js');
        const list = await listApiKeys(context);
        output.result({ keys: list }, () => keyRows(list));
      });
    });

  keys
    .command('revoke')
    .description('revoke an API key by id or prefix; it stops working on the next request')
    .argument('<id-or-prefix>', 'the key id (key_…) or its visible prefix')
    .option('--org <id>', 'org (default: the first org)')
    .action(async (idOrPrefix: string, options: OrgOption, command: Command) => {
      await withOperatorContext(cli, command, options, async (context, output) => {
        const { revokeApiKey } = await import('../../identity/index.js');
        const revoked = await revokeApiKey(context, idOrPrefix);
        output.result(revoked, () => `revoked key ${revoked.id} (${revoked.name}, prefix ${revoked.prefix})`);
      });
    });
}
