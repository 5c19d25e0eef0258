import type { Command } from 'commander';
import type { Memory, MemoryHistory, MemoryHit, MemoryType } from '../../client/index.js';
import { ColonyError } from '../../errors/index.js';
import type { CliContext } from '../cli-context.js';
import { createOutput, formatTable, formatTime } from '../output.js';
import { globalsOf, integerOption, listOption, resolveClient } from '../settings.js';
import { registerMemoryImportCommand } from './memory-import.js';

function scopeText(memory: Memory): string {
  return `${memory.scope.kind}:${memory.scope.id}`;
}

function clip(text: string, limit: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length <= limit ? flat : `${flat.slice(0, limit - 1)}…`;
}

function numberOption(name: string): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1) {
      throw new ColonyError('invalid_input', `${name} must be a number from 0 to 1`);
    }
    return parsed;
  };
}

export function formatMemory(memory: Memory): string {
  return [
    `${memory.id} [${memory.type}] ${scopeText(memory)}${memory.pinned ? ' (pinned)' : ''}`,
    `content:    ${memory.content}`,
    `importance: ${memory.importance}   confidence: ${memory.confidence}   accessed: ${memory.accessCount}×`,
    `tags:       ${memory.tags.length > 0 ? memory.tags.join(', ') : '-'}`,
    `valid:      ${formatTime(memory.validFrom)} → ${memory.validTo === null ? 'now' : formatTime(memory.validTo)}`,
    ...(memory.supersededBy ? [`superseded by: ${memory.supersededBy}`] : []),
    ...(memory.deletedAt !== null ? [`deleted:    ${formatTime(memory.deletedAt)}`] : []),
    `created:    ${formatTime(memory.createdAt)}`,
  ].join('\n');
}

function formatHits(hits: MemoryHit[]): string {
  if (hits.length === 0) return 'no memories matched';
  return formatTable(
    ['score', 'type', 'scope', 'content', 'why', 'id'],
    hits.map((hit) => [
      hit.score.toFixed(3),
      hit.memory.type,
      scopeText(hit.memory),
      clip(hit.memory.content, 60),
      clip(hit.why, 60),
      hit.memory.id,
    ]),
  );
}

function formatHistory(history: MemoryHistory): string {
  return [
    'chain (oldest first):',
    ...history.chain.map(
      (memory) =>
        `  ${memory.id}${memory.id === history.memory.id ? ' *' : ''}  ${clip(memory.content, 70)}${
          memory.supersededBy ? `  → ${memory.supersededBy}` : ''
        }`,
    ),
    'log:',
    ...history.log.map(
      (entry) =>
        `  ${formatTime(entry.createdAt)}  ${entry.action.padEnd(9)} ${entry.memoryId}  by ${entry.actor.kind}:${entry.actor.id}  ${entry.reason}`,
    ),
  ].join('\n');
}

export function registerMemoryCommand(program: Command, cli: CliContext): void {
  const memory = program
    .command('memory')
    .description('search, add, show and trace long-term memories (over HTTP)');

  memory
    .command('search')
    .description('search memories; each hit says why it matched')
    .argument('<query>', 'what to look for')
    .option(
      '--scope <list>',
      'comma-separated kind:id (`user`, `org` alone: your own); default org + your user',
    )
    .option('--type <list>', 'comma-separated types, e.g. semantic,preference')
    .option('--tag <list>', 'comma-separated tags')
    .option('--limit <n>', 'at most this many hits (1–100, default 10)', integerOption('--limit', 1))
    .option('--all', 'include superseded and expired memories')
    .action(
      async (
        query: string,
        options: { scope?: string; type?: string; tag?: string; limit?: number; all?: boolean },
        command: Command,
      ) => {
        const globals = globalsOf(command);
        const client = resolveClient(globals, cli.io, cli.hints);
        const result = await client.memories.search(query, {
          scope: options.scope,
          type: options.type,
          tag: options.tag,
          limit: options.limit,
          includeInvalid: options.all === true ? true : undefined,
        });
        createOutput(cli.io, globals.json === true).result(result, () => formatHits(result.hits));
      },
    );

  memory
    .command('add')
    .description('store a memory (deduplicated; a contradiction supersedes the old one)')
    .argument('<content>', 'one self-contained fact, preference, goal or lesson')
    .option(
      '--type <type>',
      'episodic|semantic|procedural|preference|goal|relationship|reflection',
      'semantic',
    )
    .option('--scope <scope>', 'kind:id, or user/org for your own (default: your user, else the org)')
    .option('--importance <0-1>', 'how much it matters (default 0.5)', numberOption('--importance'))
    .option('--tags <a,b>', 'comma-separated tags', listOption)
    .option('--pin', 'always inject it into agent context')
    .action(
      async (
        content: string,
        options: { type: string; scope?: string; importance?: number; tags?: string[]; pin?: boolean },
        command: Command,
      ) => {
        const globals = globalsOf(command);
        const client = resolveClient(globals, cli.io, cli.hints);
        const result = await client.memories.add({
          content,
          type: options.type as MemoryType,
          ...(options.scope !== undefined ? { scope: options.scope } : {}),
          ...(options.importance !== undefined ? { importance: options.importance } : {}),
          ...(options.tags !== undefined ? { tags: options.tags } : {}),
          ...(options.pin ? { pinned: true } : {}),
        });
        createOutput(cli.io, globals.json === true).result(
          result,
          () =>
            `${result.action} ${result.memory.id} in ${scopeText(result.memory)}${
              result.superseded ? ` (supersedes ${result.superseded.id})` : ''
            }`,
        );
      },
    );

  registerMemoryImportCommand(memory, cli);

  memory
    .command('show')
    .description('show a memory')
    .argument('<id>', 'memory id')
    .action(async (id: string, _options: unknown, command: Command) => {
      const globals = globalsOf(command);
      const client = resolveClient(globals, cli.io, cli.hints);
      const found = await client.memories.get(id);
      createOutput(cli.io, globals.json === true).result(found, () => formatMemory(found));
    });

  memory
    .command('history')
    .description('show the supersede chain and every log entry of a memory')
    .argument('<id>', 'memory id')
    .action(async (id: string, _options: unknown, command: Command) => {
      const globals = globalsOf(command);
      const client = resolveClient(globals, cli.io, cli.hints);
      const history = await client.memories.history(id);
      createOutput(cli.io, globals.json === true).result(history, () => formatHistory(history));
    });

  memory
    .command('delete')
    .description('delete a memory (soft; it stays in history)')
    .argument('<id>', 'memory id')
    .option('--reason <text>', 'why (kept in the memory log)')
    .action(async (id: string, options: { reason?: string }, command: Command) => {
      const globals = globalsOf(command);
      const client = resolveClient(globals, cli.io, cli.hints);
      const deleted = await client.memories.delete(id, options.reason);
      createOutput(cli.io, globals.json === true).result(deleted, () => `deleted ${deleted.id}`);
    });
}
