import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import type { ImportMemoryItem } from '../../client/index.js';
import { ColonyError } from '../../errors/index.js';
import type { CliContext } from '../cli-context.js';
import { createOutput } from '../output.js';
import { globalsOf, integerOption, resolveClient } from '../settings.js';
import { createSpinner } from '../spinner.js';

/** Largest request body a batch grows to: under the server's default 1 MiB body limit. */
const maxBatchBytes = 900_000;
const maxBatchItems = 5000;

interface Batch {
  items: ImportMemoryItem[];
  firstLine: number;
  lastLine: number;
  bytes: number;
}

/** Reads a JSON Lines file into batches of at most `size` items and ~900 KB; blank lines are skipped. */
async function* readBatches(file: string, size: number): AsyncGenerator<Batch> {
  const lines = createInterface({
    input: createReadStream(file, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let batch: Batch = { items: [], firstLine: 0, lastLine: 0, bytes: 0 };
  let number = 0;
  for await (const line of lines) {
    number++;
    if (line.trim() === '') continue;
    let item: unknown;
    try {
      item = JSON.parse(line);
    } catch {
      throw new ColonyError('invalid_input', `${file}:${number}: not a JSON object`);
    }
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new ColonyError('invalid_input', `${file}:${number}: not a JSON object`);
    }
    if (batch.items.length >= size || batch.bytes + line.length > maxBatchBytes) {
      if (batch.items.length > 0) yield batch;
      batch = { items: [], firstLine: number, lastLine: number, bytes: 0 };
    }
    if (batch.items.length === 0) batch.firstLine = number;
    batch.items.push(item as ImportMemoryItem);
    batch.lastLine = number;
    batch.bytes += line.length + 1;
  }
  if (batch.items.length > 0) yield batch;
}

/**
 * `colony memory import <file.jsonl>`: one memory per line (`{"content": …, "scope": "agent:agt_1",
 * "type": …, "tags": […], "occurredAt": …, "source": …}`), sent in batches; each batch is all or
 * nothing and carries an Idempotency-Key derived from its content, so rerunning an interrupted
 * import replays the batches already stored instead of storing them twice.
 */
export function registerMemoryImportCommand(memory: Command, cli: CliContext): void {
  memory
    .command('import')
    .description('import memories from a JSON Lines file (one memory per line), in batches')
    .argument('<file>', 'a .jsonl file: {"content": …, "scope"?, "type"?, "tags"?, "occurredAt"?, "source"?}')
    .option('--scope <scope>', 'scope of lines without one (kind:id, or user/org for your own)')
    .option(
      '--batch <n>',
      `memories per request (1–${maxBatchItems}, default 1000)`,
      integerOption('--batch', 1),
    )
    .action(async (file: string, options: { scope?: string; batch?: number }, command: Command) => {
      const globals = globalsOf(command);
      const client = resolveClient(globals, cli.io, cli.hints);
      const output = createOutput(cli.io, globals.json === true);
      const size = Math.min(options.batch ?? 1000, maxBatchItems);
      const spinner = createSpinner(cli.io.stderr);
      const interactive = cli.io.stderr.isTTY === true;
      const started = performance.now();
      const totals = { created: 0, duplicates: 0, batches: 0, lines: 0 };
      try {
        for await (const batch of readBatches(file, size)) {
          const items = options.scope
            ? batch.items.map((item) => (item.scope === undefined ? { ...item, scope: options.scope } : item))
            : batch.items;
          const key = `import-${createHash('sha256').update(JSON.stringify(items)).digest('hex').slice(0, 40)}`;
          let result: Awaited<ReturnType<typeof client.memories.import>>;
          try {
            result = await client.memories.import(items, { idempotencyKey: key });
          } catch (error) {
            spinner.stop();
            output.note(
              `lines ${batch.firstLine}–${batch.lastLine} were not imported (item N of the error is the N-th line of this batch, from 0); ${totals.created} memories before them were`,
            );
            throw error;
          }
          totals.created += result.created;
          totals.duplicates += result.duplicates;
          totals.batches++;
          totals.lines = batch.lastLine;
          const rate = Math.round(
            (totals.created + totals.duplicates) / ((performance.now() - started) / 1000),
          );
          const progress = `line ${totals.lines}: ${totals.created} created, ${totals.duplicates} duplicates (${rate}/s)`;
          if (interactive) spinner.start(`importing… ${progress}`);
          else output.note(progress);
        }
      } finally {
        spinner.stop();
      }
      const seconds = (performance.now() - started) / 1000;
      output.result(
        { created: totals.created, duplicates: totals.duplicates, batches: totals.batches, seconds },
        () =>
          `imported ${totals.created} memories (${totals.duplicates} duplicates skipped) in ${totals.batches} batches, ${seconds.toFixed(1)} s`,
      );
    });
}
