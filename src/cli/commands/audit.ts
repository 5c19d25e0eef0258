import type { Command } from 'commander';
import type { AuditQuery, AuditRecord } from '../../client/index.js';
import type { CliContext } from '../cli-context.js';
import { brief, createOutput, formatTable, formatTime } from '../output.js';
import { globalsOf, integerOption, resolveClient, timeOption } from '../settings.js';

interface AuditOptions {
  actor?: string;
  action?: string;
  resourceType?: string;
  resource?: string;
  since?: number;
  until?: number;
  limit?: number;
  all?: boolean;
}

function auditRows(entries: readonly AuditRecord[]): string {
  return formatTable(
    ['time', 'actor', 'action', 'resource', 'ip', 'details'],
    entries.map((entry) => [
      formatTime(entry.createdAt),
      `${entry.actor.kind}:${entry.actor.id}`,
      entry.action,
      entry.resourceId ? `${entry.resourceType} ${entry.resourceId}` : entry.resourceType,
      entry.ip ?? '-',
      Object.keys(entry.details).length > 0 ? brief(entry.details, 60) : '',
    ]),
  );
}

export function registerAuditCommand(program: Command, cli: CliContext): void {
  program
    .command('audit')
    .description('read the org’s audit log, newest first (admin key; over HTTP)')
    .option('--actor <id>', 'only what this actor (key or user id) did')
    .option('--action <action>', 'an action (agent.create) or a family (agent.*)')
    .option('--resource-type <type>', 'only this kind of resource (agent, chat, api_key, …)')
    .option('--resource <id>', 'only this resource id')
    .option('--since <time>', 'from this time: ISO date or duration back (24h, 7d)', timeOption('--since'))
    .option('--until <time>', 'before this time: ISO date or duration back', timeOption('--until'))
    .option('--limit <n>', 'how many (default 50; with --all, the page size)', integerOption('--limit', 1))
    .option('--all', 'follow the cursor to the last page')
    .action(async (options: AuditOptions, command: Command) => {
      const globals = globalsOf(command);
      const client = resolveClient(globals, cli.io, cli.hints);
      const query: AuditQuery = {
        actor: options.actor,
        action: options.action,
        resourceType: options.resourceType,
        resourceId: options.resource,
        since: options.since,
        until: options.until,
        limit: Math.min(options.limit ?? (options.all ? 200 : 50), 200),
      };
      const entries: AuditRecord[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.audit.list({ ...query, cursor });
        entries.push(...page.entries);
        cursor = options.all ? (page.nextCursor ?? undefined) : undefined;
      } while (cursor);
      createOutput(cli.io, globals.json === true).result({ entries }, () =>
        entries.length === 0 ? 'no audit entries match' : auditRows(entries),
      );
    });
}
